-- index: the functions that keep a number in the right set of its pool (available, reserved, capped) and the
-- pool's area-code index in step. Shared Lua, not a script: a script names it on its "-- include:" line.
-- The including script sets the clock (use_clock) before it calls restore() or reclaim().
-- include: keys
local NOW, HOUR_ID, HOUR_END, DAY_ID, DAY_END

-- Sets the clock of the functions below: now (ms), and the cap windows from the four arguments ARGV[first] on
-- (hour window id, hour window end (ms), day window id, day window end (ms): CapWindows#argv in Java).
local function use_clock(now, first)
  NOW = tonumber(now)
  HOUR_ID, HOUR_END = ARGV[first], tonumber(ARGV[first + 1])
  DAY_ID, DAY_END = ARGV[first + 2], tonumber(ARGV[first + 3])
end

-- Brings the pool's area-code index in step with one area code's available set.
local function refresh_head(pool, npa)
  local head = redis.call('ZRANGE', K.AVAILABLE .. pool .. ':' .. npa, 0, 0, 'WITHSCORES')
  if head[1] then
    redis.call('ZADD', K.AREA_CODES .. pool, head[2], npa)
  else
    redis.call('ZREM', K.AREA_CODES .. pool, npa)
  end
end

local function make_available(pool, npa, cid, last_use)
  redis.call('ZADD', K.AVAILABLE .. pool .. ':' .. npa, last_use, cid)
  -- A number coming back from a call was just used: it heads its area code only if the set was empty.
  local head = redis.call('ZSCORE', K.AREA_CODES .. pool, npa)
  if not head or tonumber(last_use) < tonumber(head) then
    redis.call('ZADD', K.AREA_CODES .. pool, last_use, npa)
  end
end

local function make_unavailable(pool, npa, cid)
  local key = K.AVAILABLE .. pool .. ':' .. npa
  local score = redis.call('ZSCORE', key, cid)
  if not score then
    return
  end
  redis.call('ZREM', key, cid)
  if score == redis.call('ZSCORE', K.AREA_CODES .. pool, npa) then
    refresh_head(pool, npa)
  end
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

-- Puts a number that is not reserved back where it belongs: available (keeping its LRU score) or capped.
-- `unreserved` says the caller just took it out of r: (spares the check).
local function restore(cid, unreserved)
  local f = redis.call('HMGET', K.NUMBER .. cid, 'pool', 'npa', 'active', 'last', 'hw', 'hc', 'dw', 'dc', 'hl', 'dl')
  local pool = f[1]
  if not pool or f[3] ~= '1' then
    return
  end
  if not unreserved and redis.call('ZSCORE', K.RESERVED .. pool, cid) then
    return
  end
  local until_ms = cap_end(f[5], f[6], f[7], f[8], f[9], f[10])
  if until_ms then
    redis.call('ZADD', K.CAPPED .. pool, until_ms, cid)
  else
    make_available(pool, f[2], cid, f[4])
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
