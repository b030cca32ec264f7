-- pool_counts: where a pool's numbers are now. Read-only.
-- include: keys, index
-- Java: io.cidrotator.redis.PoolCountsScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  pool   ARGV[2] now (ms)
-- Reply: {available, reserved (live), capped (cap not yet over)}
local pool, after = ARGV[1], '(' .. ARGV[2]
return {
  available_in(pool, K.TIERS .. pool),
  redis.call('ZCOUNT', K.RESERVED .. pool, after, '+inf'),
  redis.call('ZCOUNT', K.CAPPED .. pool, after, '+inf')
}
