-- settings: replaces every pool's settings and every campaign's pool with PostgreSQL's, atomically, so an
-- allocation sees either the old settings or the new ones, never a mix. There are few pools and campaigns:
-- all of them travel in one call. A pool PostgreSQL no longer has loses its settings and, once it holds
-- no number at all, its name in K.POOLS.
-- include: keys
-- Java: io.cidrotator.redis.SettingsScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  number of pools N
-- ARGV[2..] N groups of 6: pool name, reservation ttl (ms; '' = the server's default), tiers, calling windows
--           ('<start>-<end>' in minutes of the callee's local day, '' = none; then '|<region>=<start>-<end>' per
--           region override), strategy, how long (ms) a destination keeps its number (sticky; '0' = off), then
--           pairs: campaign, pool
-- Reply: {pools written, campaigns written}
local n = tonumber(ARGV[1])
local wanted = {}
for i = 2, 1 + 6 * n, 6 do
  local pool, ttl, tiers, windows, strategy = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local sticky = ARGV[i + 5]
  wanted[pool] = true
  local key = K.POOL_SETTINGS .. pool
  -- The counts of assigned prefixes are the index's own (sync.lua), not settings: they stay. (A count below 1 is
  -- what decrements left on a pool deleted by an earlier call, a rename: dropped.)
  local counts = redis.call('HMGET', key, 'x2', 'x3', 'x4', 'x5')
  redis.call('DEL', key)
  for length = 2, 5 do
    if tonumber(counts[length - 1] or '0') > 0 then
      redis.call('HSET', key, 'x' .. length, counts[length - 1])
    end
  end
  redis.call('HSET', key, 'tiers', tiers, 'strategy', strategy)
  if sticky ~= '0' then
    redis.call('HSET', key, 'sticky', sticky)
  end
  if ttl ~= '' then
    redis.call('HSET', key, 'ttl', ttl)
  end
  local first = true
  for part in string.gmatch(windows .. '|', '([^|]*)|') do
    if first then
      if part ~= '' then
        redis.call('HSET', key, 'window', part)
      end
      first = false
    else
      local region, window = string.match(part, '^([^=]+)=(.+)$')
      redis.call('HSET', key, 'window:' .. region, window)
    end
  end
  redis.call('SADD', K.POOLS, pool)
end

for _, pool in ipairs(redis.call('SMEMBERS', K.POOLS)) do
  if not wanted[pool] then
    redis.call('DEL', K.POOL_SETTINGS .. pool)
    if redis.call('SCARD', K.MEMBERS .. pool) == 0 and redis.call('ZCARD', K.RESERVED .. pool) == 0
      and redis.call('ZCARD', K.CAPPED .. pool) == 0 then
      -- No number left (an available one is active, in m:): what its pool index still names is out of date.
      redis.call('DEL', K.TIERS .. pool, K.UNITS .. pool)
      redis.call('SREM', K.POOLS, pool)
    end
  end
end

redis.call('DEL', K.CAMPAIGNS)
local campaigns = 0
for i = 2 + 6 * n, #ARGV, 2 do
  redis.call('HSET', K.CAMPAIGNS, ARGV[i], ARGV[i + 1])
  campaigns = campaigns + 1
end
return {n, campaigns}
