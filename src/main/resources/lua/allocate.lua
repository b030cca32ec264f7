-- allocate: picks, reserves and counts one caller-ID in a single atomic step.
-- include: keys, index, tiers, calls, history
-- The campaign's pool (K.CAMPAIGNS, else ARGV[2]) and that pool's settings (K.POOL_SETTINGS) are read here, in
-- the same atomic call, so a settings change applies from the next allocation on.
-- Java: io.cidrotator.redis.AllocateScript (Args in this order, Reply from these positions).
-- KEYS[1]  key prefix carrying the hash tag, e.g. '{cr}:'
-- ARGV[1]  now (ms)            ARGV[2] pool of a campaign without a mapping ('default')
-- ARGV[3]  destination area code (NPA)
-- ARGV[4]  reservation ttl (ms) unless the pool sets its own
-- ARGV[5]  hour window id      ARGV[6] hour window end (ms)
-- ARGV[7]  day window id       ARGV[8] day window end (ms)
-- ARGV[9]  agent ('' = none)   ARGV[10] agent limit per minute   ARGV[11] minute window id
-- ARGV[12] campaign ('' = none) ARGV[13] destination (10 digits) ARGV[14] allocation id
-- ARGV[15] reclaim batch: expired reservations / ended caps returned to service per call
-- ARGV[16] callkey (VICIdial's call id; '' = none)   ARGV[17] uid (Asterisk's UNIQUEID; '' = none)
-- ARGV[18] how long (ms) a call key outlives its reservation, so a late release still finds it
-- ARGV[19] the history stream's limit (entries): a new allocation is appended to it (history.lua)
-- ARGV[20] the callee's region (US-TX, ...; '' = unplaced)   ARGV[21] the callee's local time, minutes after
--          midnight, in each of its zones, comma-separated ('' = unplaced): the pool's calling window (its region's,
--          else its own) must hold every one of them (an area code spanning zones: the most restrictive)
-- ARGV[22] the callee's overlay (its lowest area code; '' = none)   ARGV[23] the callee's time zone ('' = unplaced)
--   A call key that names a live reservation makes this a retry: the same number and allocation id again, nothing
--   counted (the 10th element is then 'repeat', the ttl is what is left of the reservation, and the previous last
--   use is the reservation's own time: a retry's answer is never taken back, so nothing restores it).
-- Reply: {'OK', caller_id, area_code, carrier, tier, allocation_id, previous last use (ms), pool, ttl (ms),
--         'repeat' | '', history entry id ('' for a repeat, or when the history stream was full)}
--       tier = prefix | area_code | overlay | state | time_zone | pool: the pool's first tier with a number
--       available (tiers.lua), the number the first of that tier's order (the pool's strategy); or sticky: the
--       number the destination got last, still available, within the pool's sticky days
--     or {'ERR', reason, pool}  reason = rate_limited | pool_empty | all_reserved | all_capped
--                                  | all_reserved_or_capped | no_local_number | not_loaded
--     or {'ERR', 'outside_calling_window', pool, the window ('<start>-<end>' minutes)}: nothing reserved or counted
--       no_local_number: the pool's tiers stop short of 'pool' and none of them has a number available for the
--       destination while the pool has others.
use_clock(ARGV[1], 5)
local npa = ARGV[3]
local agent, agent_limit, minute = ARGV[9], tonumber(ARGV[10]), ARGV[11]
local batch = tonumber(ARGV[15])

local callkey, uid, key_grace = ARGV[16], ARGV[17], tonumber(ARGV[18])

-- A retry of an identified call (the dialplan's CURL timed out, the call was re-dialed): its reservation, if live.
local function earlier_allocation()
  local cid, rid = known_call(callkey, uid)
  if not cid then
    return nil
  end
  local f = redis.call('HMGET', K.NUMBER .. cid, 'rid', 'pool', 'npa', 'carrier', 'rtier', 'last', 'active')
  local expiry = f[1] == rid and f[7] == '1' and redis.call('ZSCORE', K.RESERVED .. f[2], cid)
  if not expiry or tonumber(expiry) <= NOW then
    -- Ended, or the number was deactivated meanwhile: the retry is allocated afresh.
    return nil
  end
  -- The retry may dial with it: the first request's late answer must no longer take it back (undo.lua).
  redis.call('HSET', K.NUMBER .. cid, 'rrepeat', '1')
  return {'OK', cid, f[3], f[4] or '', f[5], rid, f[6], f[2], tonumber(expiry) - NOW, 'repeat', ''}
end

local repeated = earlier_allocation()
if repeated then
  return repeated
end

local pool = ARGV[12] ~= '' and redis.call('HGET', K.CAMPAIGNS, ARGV[12]) or ARGV[2]
local settings = redis.call('HMGET', K.POOL_SETTINGS .. pool, 'ttl', 'tiers', 'window', 'window:' .. ARGV[20],
  'strategy', 'sticky', 'x2', 'x3', 'x4', 'x5')
local ttl = tonumber(settings[1] or ARGV[4])
local tiers = settings[2] or DEFAULT_TIERS

local window = settings[4] or settings[3]
if outside_window(window, ARGV[21]) then
  return {'ERR', 'outside_calling_window', pool, window}
end

local rate_key
if agent ~= '' then
  rate_key = K.RATE .. agent .. ':' .. minute
  if tonumber(redis.call('GET', rate_key) or '0') >= agent_limit then
    return {'ERR', 'rate_limited', pool}
  end
end

-- Returns to service what is due (expired reservations, ended caps), at most `limit` of each; true when
-- more may be due.
local function reclaim_due(limit)
  local reserved = reclaim(K.RESERVED .. pool, true, limit)
  local capped = reclaim(K.CAPPED .. pool, false, limit)
  return reserved == limit or capped == limit
end

-- Bounded lazy reclaim keeps the cost per call flat however many numbers are reserved or capped.
local more_due = reclaim_due(batch)

-- A destination called again within the pool's sticky days gets its last number when that is available.
local sticky_ms = settings[6]
local cid, tier, best
if sticky_ms then
  cid = sticky_number(pool, ARGV[13])
  tier = 'sticky'
end
if not cid then
  local dest = {npa = npa, number = ARGV[13], ov = ARGV[22], st = ARGV[20], tz = ARGV[23],
    assigned = assigned_lengths(settings[7], settings[8], settings[9], settings[10])}
  cid, tier, best = pick(pool, tiers, dest)
  while more_due and not (cid and best) do
    -- A backlog of due numbers may hide a nearer one (or any at all): before answering from a later tier, or with
    -- none, return the whole backlog to service.
    more_due = reclaim_due(1000)
    cid, tier, best = pick(pool, tiers, dest)
  end
  if not cid then
    return refusal(pool, tiers)
  end
end

local key = K.NUMBER .. cid
local f = redis.call('HMGET', key, 'npa', 'carrier', 'hw', 'hc', 'dw', 'dc', 'last', 'score', 'px', 'tz', 'zs')
local hc = (f[3] == HOUR_ID) and tonumber(f[4]) + 1 or 1
local dc = (f[5] == DAY_ID) and tonumber(f[6]) + 1 or 1
redis.call('HSET', key, 'last', NOW, 'hw', HOUR_ID, 'hc', hc, 'dw', DAY_ID, 'dc', dc,
  'score', next_score(settings[5], cid, dc, f[8]), 'pscore', f[8] or f[7],
  'rid', ARGV[14], 'rcampaign', ARGV[12], 'ragent', agent, 'rdest', ARGV[13], 'rat', NOW, 'rexp', NOW + ttl,
  'rtier', tier, 'rrepeat', '0')
make_unavailable(pool, cid, f[1], f[10], f[11], f[9])
if sticky_ms then
  redis.call('SET', K.STICKY .. pool .. ':' .. ARGV[13], cid, 'PX', sticky_ms)
end
redis.call('ZADD', K.RESERVED .. pool, NOW + ttl, cid)

if rate_key then
  -- Created with its expiry in the same atomic call: no counter can outlive its window.
  if redis.call('INCR', rate_key) == 1 then
    redis.call('PEXPIRE', rate_key, 120000)
  end
end
remember_call(callkey, uid, cid, ARGV[14], ttl + key_grace)
local entry = append_history(ARGV[19], 'a' .. H .. ARGV[14] .. H .. cid .. H .. ARGV[1] .. H
  .. string.format('%.0f', NOW + ttl) .. H .. ARGV[13] .. H .. ARGV[12] .. H .. agent .. H .. tier .. H .. pool
  .. H .. callkey .. H .. uid)
return {'OK', cid, f[1], f[2] or '', tier, ARGV[14], f[7], pool, ttl, '', entry}
