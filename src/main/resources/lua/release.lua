-- release: ends a live reservation at once (hangup); the number keeps its place in the LRU order.
-- include: keys, index, calls, history
-- Java: io.cidrotator.redis.ReleaseScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  caller_id ('' = the call named by ARGV[8] or ARGV[9])   ARGV[2] now (ms)
-- ARGV[3]  hour window id   ARGV[4] hour window end (ms)   ARGV[5] day window id   ARGV[6] day window end (ms)
-- ARGV[7]  the reservation (allocation id) to end, or '' for whatever reservation is live. With an id, a
--          late hangup of a call whose reservation expired cannot end the next call's reservation.
-- ARGV[8]  callkey, ARGV[9] uid: with caller_id '', the call whose allocation stored that key (allocate.lua)
-- ARGV[10] the call's dial status, ARGV[11] its answered seconds, ARGV[12] its hangup cause ('' = not known)
-- ARGV[13] the history stream's limit: a release that ends a live reservation is appended (history.lua)
-- ARGV[14] when the hangup asked for the release (ms), for a release kept while Redis was away and applied now:
--          only a reservation made before then is ended, and the history says then. '' = now.
-- Reply: {1, allocation_id, caller_id, history entry id ('' when the stream was full)} when a reservation was released; {0, '', caller_id} when none was live
--        (idempotent); {-1} when the number is not in the inventory; {-2} when no allocation holds the call key.
local cid = ARGV[1]
use_clock(ARGV[2], 3)
local wanted = ARGV[7]

if cid == '' then
  cid, wanted = known_call(ARGV[8], ARGV[9])
  if not cid then
    return {-2}
  end
end

local f = redis.call('HMGET', K.NUMBER .. cid, 'pool', 'rid', 'rat')
local pool, id = f[1], f[2] or ''
if not pool then
  return {-1}
end
local kept = ARGV[14] ~= ''
local asked_at = kept and ARGV[14] or ARGV[2]
if (wanted ~= '' and wanted ~= id) or (kept and tonumber(f[3] or '0') > tonumber(asked_at)) then
  -- Another reservation holds the number now (for a kept release: one made after the hangup asked).
  return {0, '', cid}
end
local expiry = redis.call('ZSCORE', K.RESERVED .. pool, cid)
if not expiry then
  return {0, '', cid}
end
redis.call('ZREM', K.RESERVED .. pool, cid)
restore(cid, true)
if tonumber(expiry) <= NOW then
  -- Already over by its TTL, merely not reclaimed yet: nothing live was released.
  return {0, '', cid}
end
local entry = append_history(ARGV[13], 'r' .. H .. id .. H .. cid .. H .. asked_at .. H .. 'released' .. H .. ARGV[10]
  .. H .. ARGV[11] .. H .. ARGV[12])
return {1, id, cid, entry}
