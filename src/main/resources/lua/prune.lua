-- prune: removes numbers PostgreSQL no longer holds from every index (the caller checked the table).
-- include: keys, index
-- Java: io.cidrotator.redis.PruneScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV     the caller-IDs to remove
-- Reply: how many were in the index
local removed = 0
for _, cid in ipairs(ARGV) do
  local key = K.NUMBER .. cid
  local f = redis.call('HMGET', key, unpack(PLACE))
  if f[1] then
    make_unavailable(f[1], cid, f[2], f[5], f[6], f[7])
    count_prefixes(f[1], f[7], -1)
    redis.call('ZREM', K.CAPPED .. f[1], cid)
    redis.call('ZREM', K.RESERVED .. f[1], cid)
    redis.call('SREM', K.MEMBERS .. f[1], cid)
    removed = removed + 1
  end
  redis.call('DEL', key)
  redis.call('SREM', K.ALL, cid)
end
return removed
