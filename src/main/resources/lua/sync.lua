-- sync: upserts a batch of numbers from PostgreSQL into the index. Idempotent; keeps live state
-- (reservations, counts, last use when newer) and moves a number between pools or area codes. A number the
-- index does not hold (Redis lost it) gets the use and the live reservation its history gives, in this same
-- atomic step: it is never allocatable with its counts at zero, nor while it is on a live call. In a merge (the
-- index came from another server: a failover, a restart from a snapshot), a number the index holds gets the
-- higher of its counts and the history's, and the history's live reservation when it is later than its own: what
-- the last writes before the change did, and the new server never received.
-- include: keys, index, calls
-- Java: io.cidrotator.redis.SyncScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)   ARGV[2] hour window id   ARGV[3] hour window end   ARGV[4] day window id
-- ARGV[5]  day window end   ARGV[6] '' or, in a merge (the history is merged into numbers the index holds), the run
--          id of the server being reconciled
-- ARGV[7..] groups of 28: caller_id, pool, area_code, carrier, hourly_limit, daily_limit, active ('1'/'0'),
--           last_used (ms, 0 = never),
--           then what the history says (all '' for nothing to restore): uses this hour, uses today, and the live
--           reservation ('' from here on for none): allocation id, campaign, agent, destination, reserved at (ms),
--           expires at (ms), tier, callkey, uid, how long (ms) the call keys live,
--           then the latest allocation within the longest TTL ('' for none; read in a merge only): its id, when it
--           was made (ms), '1' | '0' (it ended),
--           then where it is for the tiers ('' where the numbering plan does not place it): the overlay (lowest
--           area code; '' = none) and region of the area code it is assigned to, its time zone, '1' when that area
--           code spans zones ('' otherwise; keys.lua), then the prefixes an admin assigned it to (2 to 5 digits,
--           comma-separated; '' = none)
-- The number's score (its order in its sets) follows its pool's strategy, read here: a pool's strategy is written
-- (settings.lua) before its numbers are synced again.
-- Reply: number of numbers written; -1 in a merge for a server already made whole (another node's reconciliation
--        marked it, and allocations and releases have moved on since this one read the history: merging it now
--        could bring back a reservation ended meanwhile): nothing written
use_clock(ARGV[1], 2)
local merge = ARGV[6] ~= ''
if merge and redis.call('GET', K.ORIGIN) == ARGV[6] then
  return -1
end

-- The live reservation the history gives the number of the group at i.
local function reserve_from_history(i, cid, pool, key)
  local rid = ARGV[i + 10]
  redis.call('HSET', key, 'rid', rid, 'rcampaign', ARGV[i + 11], 'ragent', ARGV[i + 12], 'rdest', ARGV[i + 13],
    'rat', ARGV[i + 14], 'rexp', ARGV[i + 15], 'rtier', ARGV[i + 16], 'rrepeat', '0')
  redis.call('ZADD', K.RESERVED .. pool, ARGV[i + 15], cid)
  remember_call(ARGV[i + 17], ARGV[i + 18], cid, rid, tonumber(ARGV[i + 19]))
end

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
  reserve_from_history(i, cid, pool, key)
end

-- A number the index holds, in a merge: the higher counts of the current windows, and the history's live reservation
-- when the index has none as late; a reservation of the index that the history says ended (or that a later
-- allocation followed: its release was lost) ends. (Called once the number left its sets, and a pool move carried
-- its reservation into `pool`; restore() then puts it where it belongs.)
local function merge_history(i, cid, pool, key)
  if ARGV[i + 8] == '' then
    return
  end
  local f = redis.call('HMGET', key, 'hw', 'hc', 'dw', 'dc', 'rid', 'rat')
  local hc = f[1] == HOUR_ID and tonumber(f[2]) or 0
  local dc = f[3] == DAY_ID and tonumber(f[4]) or 0
  redis.call('HSET', key, 'hw', HOUR_ID, 'hc', math.max(hc, tonumber(ARGV[i + 8])),
    'dw', DAY_ID, 'dc', math.max(dc, tonumber(ARGV[i + 9])))
  local rid, rexp = ARGV[i + 10], tonumber(ARGV[i + 15])
  local expiry = redis.call('ZSCORE', K.RESERVED .. pool, cid)
  local own_live = expiry and tonumber(expiry) > NOW
  if rid == '' or rexp <= NOW then
    local latest, latest_at, ended = ARGV[i + 20], tonumber(ARGV[i + 21]), ARGV[i + 22] == '1'
    if own_live and latest ~= '' and ((latest == f[5] and ended) or latest_at > tonumber(f[6] or '0')) then
      redis.call('ZREM', K.RESERVED .. pool, cid)
    end
    return
  end
  if rid == f[5] or (own_live and tonumber(f[6] or '0') >= tonumber(ARGV[i + 14])) then
    return
  end
  reserve_from_history(i, cid, pool, key)
end

-- The strategy of each pool met, read once per call.
local strategies = {}
local function strategy_of(pool)
  if not strategies[pool] then
    strategies[pool] = redis.call('HGET', K.POOL_SETTINGS .. pool, 'strategy') or 'lru'
  end
  return strategies[pool]
end

-- The score of the number whose hash is `key` under its pool's strategy, its last use being `last`: lru's is the
-- last use, least_used_today's counts today's uses, round_robin's keeps its round (a number new to round robin
-- starts at round 0, in list order).
local function initial_score(strategy, cid, key, last)
  if strategy == 'least_used_today' then
    local f = redis.call('HMGET', key, 'dw', 'dc')
    return least_used_score(f[1] == DAY_ID and tonumber(f[2]) or 0, last)
  elseif strategy == 'round_robin' then
    local f = redis.call('HMGET', key, 'sk', 'score')
    return f[1] == 'round_robin' and f[2] or cid
  end
  return string.format('%.0f', last)
end

-- Keeps the tier indexes of area code `npa` of `pool` where its place for the tiers (`ov`, `st`, `tz`, `zs`: those of
-- the number just synced, the same for every number of an area code) says, against the place u:<pool> recorded for
-- it: when the two differ (a new numbering plan, or the first number of the area code), it leaves the indexes of the
-- old place (its zone entries npa@zone stay: they name their zone, and a read drops them once their set is empty)
-- and enters those of the new one at its first score.
local function place_area_code(pool, npa, ov, st, tz, zs)
  local placed = ov .. ',' .. st .. ',' .. (zs == '1' and '' or tz) .. ',' .. zs
  local recorded = redis.call('HGET', K.UNITS .. pool, npa)
  if recorded == placed then
    return
  end
  if recorded then
    local base = K.TIERS .. pool
    local old_ov, old_st, old_tz = string.match(recorded, '^([^,]*),([^,]*),([^,]*),')
    if old_ov ~= '' then
      redis.call('ZREM', base .. ':o:' .. old_ov, npa)
    end
    if old_st ~= '' then
      redis.call('ZREM', base .. ':s:' .. old_st, npa)
    end
    if old_tz ~= '' then
      redis.call('ZREM', base .. ':z:' .. old_tz, npa)
    end
  end
  local head = redis.call('ZRANGE', K.AVAILABLE .. pool .. ':' .. npa, 0, 0, 'WITHSCORES')
  if head[1] then
    index_area_code(pool, npa, ov, st, tz, zs, head[2])
  end
  redis.call('HSET', K.UNITS .. pool, npa, placed)
end

local count = 0
for i = 7, #ARGV, 28 do
  local cid, pool, npa, carrier = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local hl, dl, active, last = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], tonumber(ARGV[i + 7])
  local ov, st, tz, zs, px = ARGV[i + 23], ARGV[i + 24], ARGV[i + 25], ARGV[i + 26], ARGV[i + 27]
  local key = K.NUMBER .. cid
  local old = redis.call('HMGET', key, 'pool', 'npa', 'ov', 'st', 'tz', 'zs', 'px', 'last')
  if old[1] then
    make_unavailable(old[1], cid, old[2], old[5], old[6], old[7])
    count_prefixes(old[1], old[7], -1)
    redis.call('ZREM', K.CAPPED .. old[1], cid)
    redis.call('SREM', K.MEMBERS .. old[1], cid)
    if old[1] ~= pool then
      local expiry = redis.call('ZSCORE', K.RESERVED .. old[1], cid)
      if expiry then
        redis.call('ZREM', K.RESERVED .. old[1], cid)
        redis.call('ZADD', K.RESERVED .. pool, expiry, cid)
      end
    end
    if tonumber(old[8]) > last then
      last = tonumber(old[8])
    end
    if merge then
      merge_history(i, cid, pool, key)
    end
  else
    restore_from_history(i, cid, pool, key)
  end
  local strategy = strategy_of(pool)
  redis.call('HSET', key, 'pool', pool, 'npa', npa, 'carrier', carrier, 'ov', ov, 'st', st, 'tz', tz, 'zs', zs,
    'hl', hl, 'dl', dl, 'active', active, 'last', last, 'score', initial_score(strategy, cid, key, last),
    'sk', strategy, 'px', px)
  count_prefixes(pool, px, 1)
  redis.call('SADD', K.ALL, cid)
  redis.call('SADD', K.POOLS, pool)
  if active == '1' then
    redis.call('SADD', K.MEMBERS .. pool, cid)
    restore(cid)
  end
  place_area_code(pool, npa, ov, st, tz, zs)
  count = count + 1
end
return count
