-- reservations: counts the live reservations of every pool (expired ones not yet reclaimed excluded).
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)
-- Reply: the count
P = KEYS[1]
local total = 0
for _, pool in ipairs(redis.call('SMEMBERS', P .. 'pools')) do
  total = total + redis.call('ZCOUNT', P .. 'r:' .. pool, '(' .. ARGV[1], '+inf')
end
return total
