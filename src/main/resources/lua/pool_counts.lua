-- pool_counts: where a pool's numbers are now. Read-only.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  pool   ARGV[2] now (ms)
-- Reply: {available, reserved (live), capped (cap not yet over)}
P = KEYS[1]
local pool, after = ARGV[1], '(' .. ARGV[2]
local available = 0
for _, npa in ipairs(redis.call('ZRANGE', P .. 'h:' .. pool, 0, -1)) do
  available = available + redis.call('ZCARD', P .. 'a:' .. pool .. ':' .. npa)
end
return {
  available,
  redis.call('ZCOUNT', P .. 'r:' .. pool, after, '+inf'),
  redis.call('ZCOUNT', P .. 'c:' .. pool, after, '+inf')
}
