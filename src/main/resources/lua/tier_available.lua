-- tier_available: how many numbers are available now in each of the given tiers of a pool: an area code's set's size,
-- or the sizes of the sets a wider tier's index holds. Read-only; an admin read (a tier holds at most as many sets
-- as area codes, and a few more for the area codes that span zones).
-- include: keys, index
-- Java: io.cidrotator.redis.TierAvailableScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  pool   ARGV[2..] tiers: 'a:512' (an area code), or as their index names them after the pool ('s:US-TX',
--          'o:212', 'z:America/Chicago'; '' = the pool)
-- Reply: one count per tier, in order
local pool = ARGV[1]
local counts = {}
for i = 2, #ARGV do
  local npa = string.match(ARGV[i], '^a:(.+)$')
  counts[#counts + 1] = npa and redis.call('ZCARD', K.AVAILABLE .. pool .. ':' .. npa)
    or available_in(pool, K.TIERS .. pool .. (ARGV[i] ~= '' and ':' .. ARGV[i] or ''))
end
return counts
