-- calls: the call keys of an allocation (K.CALL_KEY, K.UID), each holding '<caller_id> <allocation id>'. Shared
-- Lua, not a script: a script names it on its "-- include:" line.
-- include: keys

-- The caller-ID and allocation id of the call VICIdial's call id (else Asterisk's UNIQUEID) names; nil when no
-- allocation stored either. '' means not given.
local function known_call(callkey, uid)
  local known = callkey ~= '' and redis.call('GET', K.CALL_KEY .. callkey) or nil
  if not known and uid ~= '' then
    known = redis.call('GET', K.UID .. uid)
  end
  if not known then
    return nil
  end
  return string.match(known, '^(%d+) (.+)$')
end

-- Stores the call keys given ('' = not given) for the allocation `id` of `cid`, living `px` ms.
local function remember_call(callkey, uid, cid, id, px)
  if callkey ~= '' then
    redis.call('SET', K.CALL_KEY .. callkey, cid .. ' ' .. id, 'PX', px)
  end
  if uid ~= '' then
    redis.call('SET', K.UID .. uid, cid .. ' ' .. id, 'PX', px)
  end
end
