-- tiers: how an allocation finds its number: the pool's tiers in order, each read through one index, never a scan
-- of numbers. Shared by allocate.lua (which takes the number) and explain.lua (which says which it would take), so
-- the two cannot disagree. Shared Lua, not a script: a script names it on its "-- include:" line.
-- include: keys, index
local DEFAULT_TIERS = 'prefix,area_code,overlay,state,time_zone,pool'

-- The index of a wide `tier` (overlay, state, time_zone, pool) for a destination `dest` ({npa, number, ov, st, tz}:
-- its area code, its 10 digits, its overlay, region and zone, '' where unplaced) in `pool`; nil for a tier that has
-- none for it (an area code without an overlay has no overlay tier: its area code tier is the same).
local function tier_index(pool, tier, dest)
  local base = K.TIERS .. pool
  if tier == 'overlay' then
    return dest.ov ~= '' and base .. ':o:' .. dest.ov or nil
  elseif tier == 'state' then
    return dest.st ~= '' and base .. ':s:' .. dest.st or nil
  elseif tier == 'time_zone' then
    return dest.tz ~= '' and base .. ':z:' .. dest.tz or nil
  elseif tier == 'pool' then
    return base
  end
  return nil
end

-- The first number of the tier index `index`: the first of the area code (or area code and zone) it holds first.
-- nil when it holds none. An entry may be out of date, as the writers leave it (keys.lua): scored lower than its
-- set's first number, or naming a set that is empty now. Each one met is set right here (scored as its first
-- number, or removed) before the next is read, so the answer is the tier's first number, and a read sets right at
-- most the entries of its tier (an area code each, a few hundred at most), each once since it last changed.
local function index_head(pool, index)
  while true do
    local entry = redis.call('ZRANGE', index, 0, 0, 'WITHSCORES')
    if not entry[1] then
      return nil
    end
    local head = redis.call('ZRANGE', K.AVAILABLE .. pool .. ':' .. entry[1], 0, 0, 'WITHSCORES')
    if not head[1] then
      redis.call('ZREM', index, entry[1])
    elseif head[2] == entry[2] then
      return head[1]
    else
      redis.call('ZADD', index, head[2], entry[1])
    end
  end
end

-- The first number of the longest prefix an admin assigned numbers of `pool` to that starts `dest.number`, among the
-- lengths in use (dest.assigned: {[length] = true}); nil when none.
local function assigned_number(pool, dest)
  for length = 5, 2, -1 do
    if dest.assigned[length] then
      local cid = redis.call('ZRANGE', K.ASSIGNED .. pool .. ':' .. string.sub(dest.number, 1, length), 0, 0)[1]
      if cid then
        return cid
      end
    end
  end
  return nil
end

-- The first number of the first tier of `tiers` (comma-separated) that has one available for `dest`, that tier,
-- and whether it is the first tier of the list (nothing better exists); nil when no tier has one. prefix: the
-- destination's own NPA-NXX, then a number an admin assigned to a prefix of it; area_code: its area code's set;
-- the wider tiers: through their index.
local function pick(pool, tiers, dest)
  local first = true
  for tier in string.gmatch(tiers, '[^,]+') do
    local cid
    if tier == 'prefix' then
      cid = redis.call('ZRANGE', K.TOWN .. pool .. ':' .. string.sub(dest.number, 1, 6), 0, 0)[1]
        or next(dest.assigned) and assigned_number(pool, dest)
    elseif tier == 'area_code' then
      cid = redis.call('ZRANGE', K.AVAILABLE .. pool .. ':' .. dest.npa, 0, 0)[1]
    else
      local index = tier_index(pool, tier, dest)
      cid = index and index_head(pool, index)
    end
    if cid then
      return cid, tier, first
    end
    first = false
  end
  return nil
end

-- The lengths of assigned prefixes a pool's numbers use, from its settings' counts x2 .. x5 (in that order). A pool
-- without any (the usual case) gets one shared empty table: nothing built on the allocation path.
local NO_LENGTHS = {}
local function assigned_lengths(x2, x3, x4, x5)
  if not (x2 or x3 or x4 or x5) then
    return NO_LENGTHS
  end
  local lengths = {}
  for length, count in pairs({[2] = x2, [3] = x3, [4] = x4, [5] = x5}) do
    if count and tonumber(count) > 0 then
      lengths[length] = true
    end
  end
  return lengths
end

-- The number `destination` got last from `pool` when it is still available there (free, active, under its caps:
-- in its area code's set); nil otherwise.
local function sticky_number(pool, destination)
  local cid = redis.call('GET', K.STICKY .. pool .. ':' .. destination)
  if not cid then
    return nil
  end
  local f = redis.call('HMGET', K.NUMBER .. cid, 'pool', 'npa')
  if f[1] ~= pool then
    return nil
  end
  if not redis.call('ZSCORE', K.AVAILABLE .. pool .. ':' .. f[2], cid) then
    return nil
  end
  return cid
end

-- Whether `tiers` ends in the whole pool (else a destination without a number in its tiers gets none).
local function reaches_pool(tiers)
  return string.find(',' .. tiers .. ',', ',pool,', 1, true) ~= nil
end

-- Whether the callee's local time (`minutes`: minutes after midnight in each of its zones, comma-separated; ''
-- unplaced) is outside the pool's calling `window` ('<start>-<end>' minutes; nil = none) in any of its zones.
local function outside_window(window, minutes)
  if not window or minutes == '' then
    return false
  end
  local from, to = string.match(window, '^(%d+)-(%d+)$')
  from, to = tonumber(from), tonumber(to)
  for minute in string.gmatch(minutes, '%d+') do
    minute = tonumber(minute)
    if minute < from or minute >= to then
      return true
    end
  end
  return false
end

-- Why `pool` has no number for a destination its `tiers` found none for: {'ERR', reason, pool[, tiers]}.
local function refusal(pool, tiers)
  if redis.call('EXISTS', K.LOADED) == 0 then
    return {'ERR', 'not_loaded', pool}
  end
  if not reaches_pool(tiers) and index_head(pool, K.TIERS .. pool) then
    return {'ERR', 'no_local_number', pool, tiers}
  end
  local reserved = redis.call('ZCARD', K.RESERVED .. pool) > 0
  local capped = redis.call('ZCARD', K.CAPPED .. pool) > 0
  if reserved and capped then
    return {'ERR', 'all_reserved_or_capped', pool}
  elseif reserved then
    return {'ERR', 'all_reserved', pool}
  elseif capped then
    return {'ERR', 'all_capped', pool}
  end
  return {'ERR', 'pool_empty', pool}
end
