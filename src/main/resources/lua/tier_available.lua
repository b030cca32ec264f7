-- tier_available: how many numbers are available now in each of the given tiers of a pool: the sizes of the leaves
-- each tier index holds. Read-only; an admin read (a tier holds at most as many leaves as NPA-NXX prefixes).
-- include: keys
-- Java: io.cidrotator.redis.TierAvailableScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  pool   ARGV[2..] tiers as their index names them after the pool ('a:512', 's:US-TX', '' = the pool)
-- Reply: one count per tier, in order
local pool = ARGV[1]
local counts = {}
for i = 2, #ARGV do
  local index = K.TIERS .. pool .. (ARGV[i] ~= '' and ':' .. ARGV[i] or '')
  local available = 0
  for _, leaf in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    available = available + redis.call('ZCARD', K.AVAILABLE .. pool .. ':' .. leaf)
  end
  counts[#counts + 1] = available
end
return counts
