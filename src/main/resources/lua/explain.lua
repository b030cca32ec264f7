-- explain: what allocate.lua would do now for a destination, reserving and counting nothing: the pool, its
-- settings, each of its tiers with the numbers available in it, the number the pool's tiers pick (tiers.lua: the
-- same functions as allocate.lua's) or why there is none, and the live reservations and caps of the pool (for the
-- caller to count per tier). Like an allocation, it first returns to service what is due (expired reservations,
-- ended caps): that is no allocation, and the next one then starts from the same state.
-- include: keys, index, tiers
-- Java: io.cidrotator.redis.ExplainScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)   ARGV[2] pool of a campaign without a mapping   ARGV[3] destination area code (NPA)
-- ARGV[4]  hour window id   ARGV[5] hour window end   ARGV[6] day window id   ARGV[7] day window end
-- ARGV[8]  campaign ('' = none)   ARGV[9] destination (10 digits)   ARGV[10] the callee's region ('' = unplaced)
-- ARGV[11] the callee's local minutes per zone, comma-separated   ARGV[12] its overlay   ARGV[13] its zone
-- ARGV[14] at most this many live reservations and caps listed (each)
-- Reply: {pool, tiers, strategy, window ('' = none), steps, choice, reserved, capped}
--   steps: per tier in order {tier, numbers available in it, its first number ('' = none)}; first, where the pool
--          keeps numbers sticky, {'sticky', 1 | 0, the destination's last number if available, that number ('' =
--          none remembered)}
--   choice: {'OK', caller_id, tier} | the refusal allocate.lua would answer ({'ERR', reason, pool[, detail]})
--   reserved, capped: {caller_id, npa, ov, st, tz, until (ms), assigned prefixes} per live reservation or cap,
--          soonest end first
use_clock(ARGV[1], 4)
local npa, limit = ARGV[3], tonumber(ARGV[14])
local pool = ARGV[8] ~= '' and redis.call('HGET', K.CAMPAIGNS, ARGV[8]) or ARGV[2]
local settings = redis.call('HMGET', K.POOL_SETTINGS .. pool, 'tiers', 'window', 'window:' .. ARGV[10], 'strategy',
  'sticky', 'x2', 'x3', 'x4', 'x5')
local tiers = settings[1] or DEFAULT_TIERS
local window = settings[3] or settings[2]

while reclaim(K.RESERVED .. pool, true, 1000) == 1000 do
end
while reclaim(K.CAPPED .. pool, false, 1000) == 1000 do
end

local dest = {npa = npa, number = ARGV[9], ov = ARGV[12], st = ARGV[10], tz = ARGV[13],
  assigned = assigned_lengths(settings[6], settings[7], settings[8], settings[9])}
local steps = {}
local sticky
if settings[5] then
  sticky = sticky_number(pool, dest.number)
  steps[1] = {'sticky', sticky and 1 or 0, sticky or '',
    redis.call('GET', K.STICKY .. pool .. ':' .. dest.number) or ''}
end
for tier in string.gmatch(tiers, '[^,]+') do
  local available, first = 0, nil
  if tier == 'prefix' then
    -- The destination's own NPA-NXX, then the prefixes of it an admin assigned numbers to (a number once).
    local sets, numbers = {K.TOWN .. pool .. ':' .. string.sub(dest.number, 1, 6)}, {}
    for length = 5, 2, -1 do
      if dest.assigned[length] then
        sets[#sets + 1] = K.ASSIGNED .. pool .. ':' .. string.sub(dest.number, 1, length)
      end
    end
    for _, set in ipairs(sets) do
      for _, cid in ipairs(redis.call('ZRANGE', set, 0, -1)) do
        first = first or cid
        if not numbers[cid] then
          numbers[cid] = true
          available = available + 1
        end
      end
    end
  elseif tier == 'area_code' then
    local key = K.AVAILABLE .. pool .. ':' .. npa
    first = redis.call('ZRANGE', key, 0, 0)[1]
    available = redis.call('ZCARD', key)
  else
    local index = tier_index(pool, tier, dest)
    if index then
      first = index_head(pool, index)
      available = available_in(pool, index)
    end
  end
  steps[#steps + 1] = {tier, available, first or ''}
end

local choice
if outside_window(window, ARGV[11]) then
  choice = {'ERR', 'outside_calling_window', pool, window}
elseif sticky then
  choice = {'OK', sticky, 'sticky'}
else
  local cid, tier = pick(pool, tiers, dest)
  choice = cid and {'OK', cid, tier} or refusal(pool, tiers)
end

-- The live entries of a pool's r: or c: set, soonest end first, with where each number is.
local function live(key)
  local entries = redis.call('ZRANGE', key, '(' .. ARGV[1], '+inf', 'BYSCORE', 'LIMIT', 0, limit, 'WITHSCORES')
  local numbers = {}
  for i = 1, #entries, 2 do
    local f = redis.call('HMGET', K.NUMBER .. entries[i], 'npa', 'ov', 'st', 'tz', 'px')
    numbers[#numbers + 1] = {entries[i], f[1] or '', f[2] or '', f[3] or '', f[4] or '', entries[i + 1], f[5] or ''}
  end
  return numbers
end

return {pool, tiers, settings[4] or 'lru', window or '', steps, choice, live(K.RESERVED .. pool),
  live(K.CAPPED .. pool)}
