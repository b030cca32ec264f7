-- tiers: how an allocation finds its number: the pool's tiers in order, each read through one index, never a scan
-- of numbers. Shared by allocate.lua (which takes the number) and explain.lua (which says which it would take), so
-- the two cannot disagree. Shared Lua, not a script: a script names it on its "-- include:" line.
-- include: keys, index
local DEFAULT_TIERS = 'prefix,area_code,overlay,state,time_zone,pool'

-- The index of `tier` for a destination `dest` ({npa, number, ov, st, tz}: its area code, its 10 digits, its
-- overlay, region and zone, '' where unplaced) in `pool`; nil for a tier that has none for it ('prefix' reads the
-- destination's own leaf; an area code without an overlay has no overlay tier: its area code tier is the same).
local function tier_index(pool, tier, dest)
  local base = K.TIERS .. pool
  if tier == 'area_code' then
    return base .. ':a:' .. dest.npa
  elseif tier == 'overlay' then
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

-- The leaf `tier` leads to for `dest`: the one whose first number goes first; nil when the tier has none.
local function tier_leaf(pool, tier, dest)
  if tier == 'prefix' then
    return leaf_of(dest.npa, dest.number)
  end
  local index = tier_index(pool, tier, dest)
  return index and redis.call('ZRANGE', index, 0, 0)[1]
end

-- The first tier of `tiers` (comma-separated) with an available number for `dest`: its leaf, the leaf's first two
-- entries with scores (the second becomes the leaf's new head), the tier, and whether it is the first tier of the
-- list (nothing better exists). nil, {} when no tier has one.
local function pick(pool, tiers, dest)
  local first = true
  for tier in string.gmatch(tiers, '[^,]+') do
    local leaf = tier_leaf(pool, tier, dest)
    if leaf then
      local head = redis.call('ZRANGE', K.AVAILABLE .. pool .. ':' .. leaf, 0, 1, 'WITHSCORES')
      if head[1] then
        return leaf, head, tier, first
      end
    end
    first = false
  end
  return nil, {}
end

-- The number `destination` got last from `pool` when it is still available there (free, active, under its caps:
-- in its leaf's set), with its leaf and the leaf's tier indexes; nil otherwise.
local function sticky_number(pool, destination)
  local cid = redis.call('GET', K.STICKY .. pool .. ':' .. destination)
  if not cid then
    return nil
  end
  local f = redis.call('HMGET', K.NUMBER .. cid, unpack(PLACE))
  if f[1] ~= pool then
    return nil
  end
  local _, leaf, keys = place(cid, f)
  if not redis.call('ZSCORE', K.AVAILABLE .. pool .. ':' .. leaf, cid) then
    return nil
  end
  return cid, leaf, keys
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
  if not reaches_pool(tiers) and redis.call('EXISTS', K.TIERS .. pool) == 1 then
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
