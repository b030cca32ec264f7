-- Shared functions of the inventory index, prepended by LuaScript to every script below.
-- Not a script of its own. Expects P (the key prefix, from KEYS[1]) and NOW, HOUR_ID, HOUR_END,
-- DAY_ID, DAY_END to be set by the including script before restore() is called.
--
-- Keys, all under the one hash tag of P so every script stays valid on Redis Cluster:
--   P..'n:'..cid            HASH  pool npa carrier hl dl active last hw hc dw dc, and the last reservation:
--                                 rid rcampaign ragent rdest rat rexp rtier (live only while the number is in r:;
--                                 kept in the number's hash, not a key of its own, to spare a key per call)
--   P..'a:'..pool..':'..npa ZSET  available numbers of one area code of a pool, score = last use (ms): LRU first
--   P..'h:'..pool           ZSET  the pool's area codes that have an available number, scored by the last use of
--                                 their LRU number: its first member leads to the LRU number of the whole pool.
--                                 (A pool-wide set of numbers would do the same, but every allocation would then
--                                 touch a set as large as the pool: measured 1.5x dearer at 1M numbers than at 1k.)
--   P..'r:'..pool           ZSET  reserved numbers, score = reservation expiry (ms)
--   P..'c:'..pool           ZSET  numbers at a cap, score = when the capped window ends (ms)
--   P..'m:'..pool           SET   active numbers of a pool
--   P..'all', P..'pools'    SET   every number / pool name the index holds
--   P..'loaded'             STRING set once a full load from PostgreSQL completed
--   P..'campaigns'          HASH  campaign -> pool; a campaign without an entry uses the pool 'default'
--   P..'pool:'..pool        HASH  the pool's settings: ttl (reservation TTL in ms; absent = the server's
--                                 DEFAULT_RESERVATION_TTL) and fallback ('area_code,pool' | 'area_code' | 'pool';
--                                 absent = 'area_code,pool'). Caps are per number (hl dl, resolved at sync).
--                                 campaigns and pool: are replaced together from PostgreSQL by settings.lua.
-- Invariant: an active number is in exactly one of a:, r:, c: of its pool; an inactive one in r: at most;
-- h: holds exactly the area codes whose a: set is not empty, each scored by that set's first score.
local P, NOW, HOUR_ID, HOUR_END, DAY_ID, DAY_END

-- Brings the pool's area-code index in step with one area code's available set.
local function refresh_head(pool, npa)
  local head = redis.call('ZRANGE', P .. 'a:' .. pool .. ':' .. npa, 0, 0, 'WITHSCORES')
  if head[1] then
    redis.call('ZADD', P .. 'h:' .. pool, head[2], npa)
  else
    redis.call('ZREM', P .. 'h:' .. pool, npa)
  end
end

local function make_available(pool, npa, cid, last_use)
  redis.call('ZADD', P .. 'a:' .. pool .. ':' .. npa, last_use, cid)
  -- A number coming back from a call was just used: it heads its area code only if the set was empty.
  local head = redis.call('ZSCORE', P .. 'h:' .. pool, npa)
  if not head or tonumber(last_use) < tonumber(head) then
    redis.call('ZADD', P .. 'h:' .. pool, last_use, npa)
  end
end

local function make_unavailable(pool, npa, cid)
  local key = P .. 'a:' .. pool .. ':' .. npa
  local score = redis.call('ZSCORE', key, cid)
  if not score then
    return
  end
  redis.call('ZREM', key, cid)
  if score == redis.call('ZSCORE', P .. 'h:' .. pool, npa) then
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
  local f = redis.call('HMGET', P .. 'n:' .. cid, 'pool', 'npa', 'active', 'last', 'hw', 'hc', 'dw', 'dc', 'hl', 'dl')
  local pool = f[1]
  if not pool or f[3] ~= '1' then
    return
  end
  if not unreserved and redis.call('ZSCORE', P .. 'r:' .. pool, cid) then
    return
  end
  local until_ms = cap_end(f[5], f[6], f[7], f[8], f[9], f[10])
  if until_ms then
    redis.call('ZADD', P .. 'c:' .. pool, until_ms, cid)
  else
    make_available(pool, f[2], cid, f[4])
  end
end

-- Returns to service the numbers of a pool whose reservation expired ('r') or whose cap ended ('c') by
-- NOW, at most `limit` of them. Returns how many.
local function reclaim(pool, set, limit)
  local key = P .. set .. ':' .. pool
  local due = redis.call('ZRANGE', key, '-inf', NOW, 'BYSCORE', 'LIMIT', 0, limit)
  for _, cid in ipairs(due) do
    redis.call('ZREM', key, cid)
    restore(cid, set == 'r')
  end
  return #due
end
