-- reservation_count: counts the live reservations of every pool (expired ones not yet reclaimed excluded).
-- Read-only.
-- include: keys
-- Java: io.cidrotator.redis.ReservationCountScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)
-- Reply: the count
local total = 0
for _, pool in ipairs(redis.call('SMEMBERS', K.POOLS)) do
  total = total + redis.call('ZCOUNT', K.RESERVED .. pool, '(' .. ARGV[1], '+inf')
end
return total
