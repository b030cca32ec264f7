-- index: the functions that keep a number in the right set of its pool (available, reserved, capped) and the
-- pool's tier indexes in step (keys.lua's invariant). Shared Lua, not a script: a script names it on its
-- "-- include:" line.
-- The including script sets the clock (use_clock) before it calls restore() or reclaim().
-- include: keys
local NOW, HOUR_ID, HOUR_END, DAY_ID, DAY_END
local DAY_MS = 86400000
-- The fields of a number's hash that say where it belongs: what make_available() reads, in this order.
local PLACE = {'pool', 'npa', 'ov', 'st', 'tz', 'zs', 'px'}

-- Sets the clock of the functions below: now (ms), and the cap windows from the four arguments ARGV[first] on
-- (hour window id, hour window end (ms), day window id, day window end (ms): CapWindows#argv in Java).
local function use_clock(now, first)
  NOW = tonumber(now)
  HOUR_ID, HOUR_END = ARGV[first], tonumber(ARGV[first + 1])
  DAY_ID, DAY_END = ARGV[first + 2], tonumber(ARGV[first + 3])
end

-- Adds `delta` to the pool's count of assigned prefixes of each length in `px` (pool:<pool> fields x2..x5): an
-- allocation looks up only the lengths in use.
local function count_prefixes(pool, px, delta)
  if px and px ~= '' then
    for prefix in string.gmatch(px, '%d+') do
      redis.call('HINCRBY', K.POOL_SETTINGS .. pool, 'x' .. #prefix, delta)
    end
  end
end

-- How many numbers are available in the sets a tier index holds (an admin read: one ZCARD per area code).
local function available_in(pool, index)
  local available = 0
  for _, unit in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    available = available + redis.call('ZCARD', K.AVAILABLE .. pool .. ':' .. unit)
  end
  return available
end

-- Adds a number to the available set of `unit` (an area code, or an area code and a zone) with `score`; true when
-- it heads the set now (the set was empty, or its first number scored higher).
local function add_to_unit(pool, unit, cid, score)
  local key = K.AVAILABLE .. pool .. ':' .. unit
  local head = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  redis.call('ZADD', key, score, cid)
  return not head[1] or tonumber(score) < tonumber(head[2])
end

-- Enters area code `npa` with `score` in the tier indexes of its pool, overlay `ov`, region `st` and, unless its
-- area code spans zones (`zs` '1'), zone `tz` ('' = none).
local function index_area_code(pool, npa, ov, st, tz, zs, score)
  local base = K.TIERS .. pool
  redis.call('ZADD', base, score, npa)
  if ov ~= '' then
    redis.call('ZADD', base .. ':o:' .. ov, score, npa)
  end
  if st ~= '' then
    redis.call('ZADD', base .. ':s:' .. st, score, npa)
  end
  if tz ~= '' and zs ~= '1' then
    redis.call('ZADD', base .. ':z:' .. tz, score, npa)
  end
end

-- Puts a number in the available sets it belongs to with `score`: its area code's, its area code's and zone's when
-- its area code spans zones, its NPA-NXX's (when it is assigned to its own area code) and its assigned prefixes'.
-- f: its PLACE fields. Where it heads its area code now, the tier indexes get its score (keys.lua); otherwise they
-- already hold the area code at its first score or lower.
local function make_available(pool, cid, score, f)
  local npa, ov, st, tz, zs, px = f[2], f[3] or '', f[4] or '', f[5] or '', f[6], f[7]
  if add_to_unit(pool, npa, cid, score) then
    index_area_code(pool, npa, ov, st, tz, zs, score)
  end
  if zs == '1' and tz ~= '' and add_to_unit(pool, npa .. '@' .. tz, cid, score) then
    redis.call('ZADD', K.TIERS .. pool .. ':z:' .. tz, score, npa .. '@' .. tz)
  end
  if string.sub(cid, 1, 3) == npa then
    redis.call('ZADD', K.TOWN .. pool .. ':' .. string.sub(cid, 1, 6), score, cid)
  end
  if px and px ~= '' then
    for prefix in string.gmatch(px, '%d+') do
      redis.call('ZADD', K.ASSIGNED .. pool .. ':' .. prefix, score, cid)
    end
  end
end

-- Takes a number out of every available set it is in (make_available's); a no-op for one in none. The tier indexes
-- are left as they are: what they hold for its area code is now its first score or lower, or an area code with no
-- number available, and the read that meets it sets it right (tiers.lua's index_head).
local function make_unavailable(pool, cid, npa, tz, zs, px)
  redis.call('ZREM', K.AVAILABLE .. pool .. ':' .. npa, cid)
  if zs == '1' and tz and tz ~= '' then
    redis.call('ZREM', K.AVAILABLE .. pool .. ':' .. npa .. '@' .. tz, cid)
  end
  if string.sub(cid, 1, 3) == npa then
    redis.call('ZREM', K.TOWN .. pool .. ':' .. string.sub(cid, 1, 6), cid)
  end
  if px and px ~= '' then
    for prefix in string.gmatch(px, '%d+') do
      redis.call('ZREM', K.ASSIGNED .. pool .. ':' .. prefix, cid)
    end
  end
end

-- The score, as a string, of a number (strategy least_used_today) counted `count` times today, last at `at` (ms):
-- earlier days first, then fewer uses today, then the earlier use.
local function least_used_score(count, at)
  local into = 99999 - math.min(99999, math.max(0, math.ceil((DAY_END - at) / 1000)))
  return string.format('%.0f', math.floor(DAY_END / DAY_MS) * 1e10 + math.min(count, 99999) * 1e5 + into)
end

-- The score, as a string, a number takes for its next turn once `strategy` hands it out now with `day_count` uses
-- today (this one included); `score` is its score before.
local function next_score(strategy, cid, day_count, score)
  if strategy == 'least_used_today' then
    return least_used_score(day_count, NOW)
  elseif strategy == 'round_robin' then
    return string.format('%.0f', (math.floor((tonumber(score) or 0) / 1e10) + 1) * 1e10 + tonumber(cid))
  end
  return string.format('%.0f', NOW)
end

-- When the number's counts hit a cap in the current windows, the time that cap ends; else nil.
local function cap_end(hw, hc, dw, dc, hl, dl)
  if dw == DAY_ID and tonumber(dc) >= tonumber(dl) then
    return DAY_END
  end
  if hw == HOUR_ID and tonumber(hc) >= tonumber(hl) then
    return HOUR_END
  end
  return nil
end

-- Puts a number that is not reserved back where it belongs: available (keeping its score) or capped.
-- `unreserved` says the caller just took it out of r: (spares the check).
local function restore(cid, unreserved)
  local f = redis.call('HMGET', K.NUMBER .. cid, 'pool', 'npa', 'ov', 'st', 'tz', 'zs', 'px', 'active', 'score', 'hw',
    'hc', 'dw', 'dc', 'hl', 'dl', 'last')
  local pool = f[1]
  if not pool or f[8] ~= '1' then
    return
  end
  if not unreserved and redis.call('ZSCORE', K.RESERVED .. pool, cid) then
    return
  end
  local until_ms = cap_end(f[10], f[11], f[12], f[13], f[14], f[15])
  if until_ms then
    redis.call('ZADD', K.CAPPED .. pool, until_ms, cid)
  else
    -- (A hash of the layout before tiers has no score until the load syncs it: its last use was its order.)
    make_available(pool, cid, f[9] or f[16] or '0', f)
  end
end

-- Returns to service the numbers of a pool whose reservation expired by NOW (key = K.RESERVED .. pool,
-- reservations = true) or whose cap ended (key = K.CAPPED .. pool), at most `limit` of them. Returns how many.
local function reclaim(key, reservations, limit)
  local due = redis.call('ZRANGE', key, '-inf', NOW, 'BYSCORE', 'LIMIT', 0, limit)
  for _, cid in ipairs(due) do
    redis.call('ZREM', key, cid)
    restore(cid, reservations)
  end
  return #due
end
