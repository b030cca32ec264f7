-- origin: whether the index was made whole on the Redis server that runs this (its run id), asked by every
-- connection when it connects. When it was not, the data came from elsewhere (a replica promoted by a failover, a
-- restart from a snapshot or an AOF) and may lack the last writes before the change: the first connection to see
-- the new server renews the history's epoch, so every node writes again the history it kept in memory (whatever
-- of it the new server never received), before InventorySync reconciles the index with PostgreSQL.
-- include: keys
-- Java: io.cidrotator.redis.Origin.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  this server's run id   ARGV[2] a new history epoch token
-- Reply: 1 (made whole on this server) | 0 (not yet: reconciling)
if redis.call('GET', K.ORIGIN) == ARGV[1] then
  return 1
end
if redis.call('GET', K.ORIGIN_CHANGED) ~= ARGV[1] then
  redis.call('SET', K.ORIGIN_CHANGED, ARGV[1])
  redis.call('SET', K.HISTORY_EPOCH, ARGV[2])
end
return 0
