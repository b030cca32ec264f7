-- undo: takes back an allocation whose answer came too late: the dialplan already got a 503 and dials
-- with VICIdial's own caller-ID, so the number must not stay reserved, counted or out of its LRU place.
-- include: keys, index, history
-- Java: io.cidrotator.redis.UndoScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  caller_id   ARGV[2] allocation id   ARGV[3] the number's last use before the allocation (ms)
-- ARGV[4]  now (ms)    ARGV[5] hour window id   ARGV[6] hour window end   ARGV[7] day window id
-- ARGV[8]  day window end   ARGV[9] agent ('' = none)   ARGV[10] minute window id of the allocation
-- ARGV[11] '1' when the allocation was answered (late): the history keeps it, ended 'taken_back'; '0' when no
--          caller got it: it leaves the history (an 'undone' entry)   ARGV[12] the history stream's limit
-- Reply: {1, history entry id ('' when the stream was full)} when undone; 0 when that allocation no longer holds the number (released, reclaimed after its expiry,
--        reused) or a retry of the same call was answered with it (rrepeat): the dialplan may be dialing with it
--        now. A reservation past its expiry but not reclaimed yet is taken back like a live one: no call used it.
local cid, id = ARGV[1], ARGV[2]
use_clock(ARGV[4], 5)

local key = K.NUMBER .. cid
local f = redis.call('HMGET', key, 'pool', 'hw', 'hc', 'dw', 'dc', 'rid', 'rrepeat', 'pscore')
local pool = f[1]
if not pool or f[6] ~= id or f[7] == '1' or redis.call('ZREM', K.RESERVED .. pool, cid) == 0 then
  return 0
end
if f[2] == HOUR_ID and tonumber(f[3]) > 0 then
  redis.call('HSET', key, 'hc', tonumber(f[3]) - 1)
end
if f[4] == DAY_ID and tonumber(f[5]) > 0 then
  redis.call('HSET', key, 'dc', tonumber(f[5]) - 1)
end
redis.call('HSET', key, 'last', ARGV[3], 'score', f[8] or ARGV[3])
if ARGV[9] ~= '' then
  local rate_key = K.RATE .. ARGV[9] .. ':' .. ARGV[10]
  if tonumber(redis.call('GET', rate_key) or '0') > 0 then
    redis.call('DECR', rate_key)
  end
end
restore(cid, true)
if ARGV[11] == '1' then
  return {1, append_history(ARGV[12], 'r' .. H .. id .. H .. cid .. H .. ARGV[4] .. H .. 'taken_back' .. H .. H .. H)}
end
return {1, append_history(ARGV[12], 'u' .. H .. id)}
