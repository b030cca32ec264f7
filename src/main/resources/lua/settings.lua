-- settings: replaces every pool's settings and every campaign's pool with PostgreSQL's, atomically, so an
-- allocation sees either the old settings or the new ones, never a mix. There are few pools and campaigns:
-- all of them travel in one call. A pool PostgreSQL no longer has loses its settings and, once it holds
-- no number at all, its name in P..'pools'.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  number of pools N
-- ARGV[2..] N groups of 3: pool name, reservation ttl (ms; '' = the server's default), fallback
--           then pairs: campaign, pool
-- Reply: {pools written, campaigns written}
P = KEYS[1]
local n = tonumber(ARGV[1])
local wanted = {}
for i = 2, 1 + 3 * n, 3 do
  local pool, ttl, fallback = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  wanted[pool] = true
  local key = P .. 'pool:' .. pool
  redis.call('DEL', key)
  if ttl == '' then
    redis.call('HSET', key, 'fallback', fallback)
  else
    redis.call('HSET', key, 'fallback', fallback, 'ttl', ttl)
  end
  redis.call('SADD', P .. 'pools', pool)
end

for _, pool in ipairs(redis.call('SMEMBERS', P .. 'pools')) do
  if not wanted[pool] then
    redis.call('DEL', P .. 'pool:' .. pool)
    if redis.call('SCARD', P .. 'm:' .. pool) == 0 and redis.call('ZCARD', P .. 'r:' .. pool) == 0
      and redis.call('ZCARD', P .. 'c:' .. pool) == 0 and redis.call('ZCARD', P .. 'h:' .. pool) == 0 then
      redis.call('SREM', P .. 'pools', pool)
    end
  end
end

redis.call('DEL', P .. 'campaigns')
local campaigns = 0
for i = 2 + 3 * n, #ARGV, 2 do
  redis.call('HSET', P .. 'campaigns', ARGV[i], ARGV[i + 1])
  campaigns = campaigns + 1
end
return {n, campaigns}
