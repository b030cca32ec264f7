-- prune: after a full load, removes numbers that PostgreSQL no longer holds (their generation is older).
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  current load generation   ARGV[2] SSCAN cursor   ARGV[3] SSCAN count
-- Reply: {next_cursor, removed}
P = KEYS[1]
local gen = ARGV[1]
local scan = redis.call('SSCAN', P .. 'all', ARGV[2], 'COUNT', ARGV[3])
local removed = 0
for _, cid in ipairs(scan[2]) do
  local key = P .. 'n:' .. cid
  local f = redis.call('HMGET', key, 'pool', 'npa', 'gen')
  if f[3] ~= gen then
    if f[1] then
      make_unavailable(f[1], f[2], cid)
      redis.call('ZREM', P .. 'c:' .. f[1], cid)
      redis.call('ZREM', P .. 'r:' .. f[1], cid)
      redis.call('SREM', P .. 'm:' .. f[1], cid)
    end
    redis.call('DEL', key)
    redis.call('SREM', P .. 'all', cid)
    removed = removed + 1
  end
end
return {scan[1], removed}
