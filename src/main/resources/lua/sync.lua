-- sync: upserts a batch of numbers from PostgreSQL into the index. Idempotent; keeps live state
-- (reservations, counts, last use when newer) and moves a number between pools or area codes. A number the
-- index does not hold (Redis lost it) gets the use and the live reservation its history gives, in this same
-- atomic step: it is never allocatable with its counts at zero, nor while it is on a live call.
-- include: keys, index, calls
-- Java: io.cidrotator.redis.SyncScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)   ARGV[2] hour window id   ARGV[3] hour window end   ARGV[4] day window id
-- ARGV[5]  day window end
-- ARGV[6..] groups of 20: caller_id, pool, area_code, carrier, hourly_limit, daily_limit, active ('1'/'0'),
--           last_used (ms, 0 = never),
--           then what the history says (all '' for nothing to restore): uses this hour, uses today, and the live
--           reservation ('' from here on for none): allocation id, campaign, agent, destination, reserved at (ms),
--           expires at (ms), tier, callkey, uid, how long (ms) the call keys live
-- Reply: number of numbers written
use_clock(ARGV[1], 2)

-- A number the index had lost: its counts of the current windows and its live reservation, from the history.
local function restore_from_history(i, cid, pool, key)
  if ARGV[i + 8] == '' then
    return
  end
  redis.call('HSET', key, 'hw', HOUR_ID, 'hc', ARGV[i + 8], 'dw', DAY_ID, 'dc', ARGV[i + 9])
  local rid, rexp = ARGV[i + 10], tonumber(ARGV[i + 15])
  if rid == '' or rexp <= NOW then
    return
  end
  redis.call('HSET', key, 'rid', rid, 'rcampaign', ARGV[i + 11], 'ragent', ARGV[i + 12], 'rdest', ARGV[i + 13],
    'rat', ARGV[i + 14], 'rexp', ARGV[i + 15], 'rtier', ARGV[i + 16], 'rrepeat', '0')
  redis.call('ZADD', K.RESERVED .. pool, rexp, cid)
  remember_call(ARGV[i + 17], ARGV[i + 18], cid, rid, tonumber(ARGV[i + 19]))
end

local count = 0
for i = 6, #ARGV, 20 do
  local cid, pool, npa, carrier = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local hl, dl, active, last = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], tonumber(ARGV[i + 7])
  local key = K.NUMBER .. cid
  local old = redis.call('HMGET', key, 'pool', 'npa', 'last')
  if old[1] then
    make_unavailable(old[1], old[2], cid)
    redis.call('ZREM', K.CAPPED .. old[1], cid)
    redis.call('SREM', K.MEMBERS .. old[1], cid)
    if old[1] ~= pool then
      local expiry = redis.call('ZSCORE', K.RESERVED .. old[1], cid)
      if expiry then
        redis.call('ZREM', K.RESERVED .. old[1], cid)
        redis.call('ZADD', K.RESERVED .. pool, expiry, cid)
      end
    end
    if tonumber(old[3]) > last then
      last = tonumber(old[3])
    end
  else
    restore_from_history(i, cid, pool, key)
  end
  redis.call('HSET', key, 'pool', pool, 'npa', npa, 'carrier', carrier, 'hl', hl, 'dl', dl,
    'active', active, 'last', last)
  redis.call('SADD', K.ALL, cid)
  redis.call('SADD', K.POOLS, pool)
  if active == '1' then
    redis.call('SADD', K.MEMBERS .. pool, cid)
    restore(cid)
  end
  count = count + 1
end
return count
