-- prune: removes numbers PostgreSQL no longer holds from every index (the caller checked the table).
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV     the caller-IDs to remove
-- Reply: how many were in the index
P = KEYS[1]
local removed = 0
for _, cid in ipairs(ARGV) do
  local key = P .. 'n:' .. cid
  local f = redis.call('HMGET', key, 'pool', 'npa')
  if f[1] then
    make_unavailable(f[1], f[2], cid)
    redis.call('ZREM', P .. 'c:' .. f[1], cid)
    redis.call('ZREM', P .. 'r:' .. f[1], cid)
    redis.call('SREM', P .. 'm:' .. f[1], cid)
    removed = removed + 1
  end
  redis.call('DEL', key)
  redis.call('SREM', P .. 'all', cid)
end
return removed
