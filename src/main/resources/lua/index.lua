-- index: the functions that keep a number in the right set of its pool (available, reserved, capped) and the
-- pool's tier indexes in step. Shared Lua, not a script: a script names it on its "-- include:" line.
-- The including script sets the clock (use_clock) before it calls restore() or reclaim().
-- include: keys
local NOW, HOUR_ID, HOUR_END, DAY_ID, DAY_END
local DAY_MS = 86400000
-- The fields of a number's hash that say where it belongs: what place() reads, in this order.
local PLACE = {'pool', 'npa', 'ov', 'st', 'tz', 'px'}

-- Sets the clock of the functions below: now (ms), and the cap windows from the four arguments ARGV[first] on
-- (hour window id, hour window end (ms), day window id, day window end (ms): CapWindows#argv in Java).
local function use_clock(now, first)
  NOW = tonumber(now)
  HOUR_ID, HOUR_END = ARGV[first], tonumber(ARGV[first + 1])
  DAY_ID, DAY_END = ARGV[first + 2], tonumber(ARGV[first + 3])
end

-- The leaf of a number: the area code it is assigned to, then the NPA-NXX of its own digits (keys.lua).
local function leaf_of(npa, cid)
  return npa .. string.sub(cid, 1, 6)
end

-- The tier indexes a number's leaf belongs to (keys.lua): the pool's first, then its area code's, overlay's,
-- state's and zone's (those the numbering plan gives it).
local function tier_keys(pool, npa, ov, st, tz)
  local base = K.TIERS .. pool
  local keys = {base, base .. ':a:' .. npa}
  if ov and ov ~= '' then
    keys[#keys + 1] = base .. ':o:' .. ov
  end
  if st and st ~= '' then
    keys[#keys + 1] = base .. ':s:' .. st
  end
  if tz and tz ~= '' then
    keys[#keys + 1] = base .. ':z:' .. tz
  end
  return keys
end

-- Where the number with hash fields f (PLACE's, in order) belongs: its pool, its leaf, its leaf's tier indexes and
-- the prefixes an admin assigned it to (comma-separated; nil or '' = none).
local function place(cid, f)
  return f[1], leaf_of(f[2], cid), tier_keys(f[1], f[2], f[3], f[4], f[5]), f[6]
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

-- How many numbers are available in the leaves a tier index holds (an admin read: one ZCARD per leaf).
local function available_in(pool, index)
  local available = 0
  for _, leaf in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    available = available + redis.call('ZCARD', K.AVAILABLE .. pool .. ':' .. leaf)
  end
  return available
end

-- Sets a leaf's score in its tier indexes; nil removes it (its a: set is empty).
local function set_head(leaf, keys, score)
  for _, key in ipairs(keys) do
    if score then
      redis.call('ZADD', key, score, leaf)
    else
      redis.call('ZREM', key, leaf)
    end
  end
end

-- Puts a number in its leaf (and its assigned prefixes' sets) with `score`. When it heads the leaf now, every tier
-- index of the leaf gets its score; a number coming back from a call was just used, and heads its leaf only if the
-- set was empty.
local function make_available(pool, leaf, keys, cid, score, px)
  local key = K.AVAILABLE .. pool .. ':' .. leaf
  local head = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  redis.call('ZADD', key, score, cid)
  if px and px ~= '' then
    for prefix in string.gmatch(px, '%d+') do
      redis.call('ZADD', K.ASSIGNED .. pool .. ':' .. prefix, score, cid)
    end
  end
  if not head[1] or tonumber(score) < tonumber(head[2]) then
    set_head(leaf, keys, score)
  end
end

-- Takes an available number out of its leaf and its assigned prefixes' sets (`px`).
local function leave_assigned(pool, cid, px)
  if px and px ~= '' then
    for prefix in string.gmatch(px, '%d+') do
      redis.call('ZREM', K.ASSIGNED .. pool .. ':' .. prefix, cid)
    end
  end
end

-- Brings the tier indexes of a leaf in step with its available set.
local function refresh_head(pool, leaf, keys)
  local head = redis.call('ZRANGE', K.AVAILABLE .. pool .. ':' .. leaf, 0, 0, 'WITHSCORES')
  set_head(leaf, keys, head[2])
end

-- Takes a number out of its leaf (and its assigned prefixes' sets); when it headed the leaf, the leaf's next number
-- heads it in every tier index.
local function make_unavailable(pool, leaf, keys, cid, px)
  local key = K.AVAILABLE .. pool .. ':' .. leaf
  local score = redis.call('ZSCORE', key, cid)
  if not score then
    return
  end
  redis.call('ZREM', key, cid)
  leave_assigned(pool, cid, px)
  if score == redis.call('ZSCORE', keys[1], leaf) then
    refresh_head(pool, leaf, keys)
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
  local f = redis.call('HMGET', K.NUMBER .. cid, 'pool', 'npa', 'ov', 'st', 'tz', 'px', 'active', 'score', 'hw', 'hc',
    'dw', 'dc', 'hl', 'dl')
  local pool = f[1]
  if not pool or f[7] ~= '1' then
    return
  end
  if not unreserved and redis.call('ZSCORE', K.RESERVED .. pool, cid) then
    return
  end
  local until_ms = cap_end(f[9], f[10], f[11], f[12], f[13], f[14])
  if until_ms then
    redis.call('ZADD', K.CAPPED .. pool, until_ms, cid)
  else
    local _, leaf, keys, px = place(cid, f)
    make_available(pool, leaf, keys, cid, f[8], px)
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
