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

-- The leaf whose first number goes first in the tier index `index`, with that leaf's first two entries and scores;
-- nil when the index leads to none. The writers keep every index exact (keys.lua's invariant); should an entry be
-- found out of date all the same (a score other than its leaf's first, or an empty leaf), it is set right here and
-- the next one read: the answer is still the tier's first number.
-- (Updating only the index read and leaving the others to be set right when read was measured 1 us cheaper per
-- allocation, but a tier read rarely, such as the whole pool, then had to set right up to every leaf in one call.)
local function index_head(pool, index)
  while true do
    local entry = redis.call('ZRANGE', index, 0, 0, 'WITHSCORES')
    if not entry[1] then
      return nil
    end
    local head = redis.call('ZRANGE', K.AVAILABLE .. pool .. ':' .. entry[1], 0, 1, 'WITHSCORES')
    if not head[1] then
      redis.call('ZREM', index, entry[1])
    elseif head[2] == entry[2] then
      return entry[1], head
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

-- The first tier of `tiers` (comma-separated) with an available number for `dest`: its leaf, the leaf's first two
-- entries with scores (the second becomes the leaf's new head), the tier, and whether it is the first tier of the
-- list (nothing better exists). nil, {} when no tier has one. In the prefix tier, after the destination's own
-- NPA-NXX, a number an admin assigned to a prefix of it: then the leaf is nil and the entries just {caller_id} (the
-- caller takes it out of its leaf with make_unavailable).
local function pick(pool, tiers, dest)
  local first = true
  for tier in string.gmatch(tiers, '[^,]+') do
    if tier == 'prefix' then
      local leaf = leaf_of(dest.npa, dest.number)
      local head = redis.call('ZRANGE', K.AVAILABLE .. pool .. ':' .. leaf, 0, 1, 'WITHSCORES')
      if head[1] then
        return leaf, head, tier, first
      end
      local cid = next(dest.assigned) and assigned_number(pool, dest)
      if cid then
        return nil, {cid}, tier, first
      end
    else
      local index = tier_index(pool, tier, dest)
      local leaf, head
      if index then
        leaf, head = index_head(pool, index)
      end
      if leaf then
        return leaf, head, tier, first
      end
    end
    first = false
  end
  return nil, {}
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
-- in its leaf's set); nil otherwise.
local function sticky_number(pool, destination)
  local cid = redis.call('GET', K.STICKY .. pool .. ':' .. destination)
  if not cid then
    return nil
  end
  local f = redis.call('HMGET', K.NUMBER .. cid, 'pool', 'npa')
  if f[1] ~= pool then
    return nil
  end
  if not redis.call('ZSCORE', K.AVAILABLE .. pool .. ':' .. leaf_of(f[2], cid), cid) then
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
