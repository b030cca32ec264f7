-- pool_counts: where a pool's numbers are now. Read-only.
-- include: keys
-- Java: io.cidrotator.redis.PoolCountsScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  pool   ARGV[2] now (ms)
-- Reply: {available, reserved (live), capped (cap not yet over)}
local pool, after = ARGV[1], '(' .. ARGV[2]
local available = 0
for _, leaf in ipairs(redis.call('ZRANGE', K.TIERS .. pool, 0, -1)) do
  available = available + redis.call('ZCARD', K.AVAILABLE .. pool .. ':' .. leaf)
end
return {
  available,
  redis.call('ZCOUNT', K.RESERVED .. pool, after, '+inf'),
  redis.call('ZCOUNT', K.CAPPED .. pool, after, '+inf')
}
