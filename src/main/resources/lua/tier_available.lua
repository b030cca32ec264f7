-- tier_available: how many numbers are available now in each of the given tiers of a pool: the sizes of the leaves
-- each tier index holds. Read-only; an admin read (a tier holds at most as many leaves as NPA-NXX prefixes).
-- include: keys, index
-- Java: io.cidrotator.redis.TierAvailableScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  pool   ARGV[2..] tiers as their index names them after the pool ('a:512', 's:US-TX', '' = the pool)
-- Reply: one count per tier, in order
local pool = ARGV[1]
local counts = {}
for i = 2, #ARGV do
  counts[#counts + 1] = available_in(pool, K.TIERS .. pool .. (ARGV[i] ~= '' and ':' .. ARGV[i] or ''))
end
return counts
