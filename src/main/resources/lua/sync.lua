-- sync: upserts a batch of numbers from PostgreSQL into the index. Idempotent; keeps live state
-- (reservations, counts, last use when newer) and moves a number between pools or area codes.
-- include: keys, index
-- Java: io.cidrotator.redis.SyncScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)   ARGV[2] hour window id   ARGV[3] hour window end   ARGV[4] day window id
-- ARGV[5]  day window end
-- ARGV[6..] groups of 8: caller_id, pool, area_code, carrier, hourly_limit, daily_limit, active ('1'/'0'),
--           last_used (ms, 0 = never)
-- Reply: number of numbers written
use_clock(ARGV[1], 2)

local count = 0
for i = 6, #ARGV, 8 do
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
