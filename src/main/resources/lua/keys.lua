-- keys: the Redis key layout, the one place that documents it. Shared Lua, not a script: a script names it
-- on its "-- include:" line and LuaScript puts it first. io.cidrotator.redis.RedisKeys builds the same names
-- for the few keys Java reads or writes outside a script.
--
-- Every key starts with the prefix P, KEYS[1] of every script ('{cr}:'). Its hash tag puts every key in
-- one Redis Cluster slot, so each script stays valid on a cluster although it derives its keys from P.
--
--   key                     type    holds
--   n:<cid>                 HASH    one number: pool npa carrier hl dl active last hw hc dw dc, and its last
--                                   reservation rid rcampaign ragent rdest rat rexp rtier rrepeat (fields below)
--   a:<pool>:<npa>          ZSET    available numbers of one area code of a pool, score = last use (ms): LRU first
--   h:<pool>                ZSET    the pool's area codes that have an available number, scored by the last use of
--                                   their LRU number: its first member leads to the LRU number of the whole pool.
--                                   (A pool-wide set of numbers would do the same, but every allocation would then
--                                   touch a set as large as the pool: measured 1.5x dearer at 1M numbers than at 1k.)
--   r:<pool>                ZSET    reserved numbers, score = reservation expiry (ms)
--   c:<pool>                ZSET    numbers at a cap, score = when the capped window ends (ms)
--   m:<pool>                SET     active numbers of a pool
--   all                     SET     every number the index holds
--   pools                   SET     every pool name the index holds
--   loaded                  STRING  set (to the time, ms) once a full load from PostgreSQL completed; its absence
--                                   tells an allocation that Redis lost the index
--   campaigns               HASH    campaign -> pool; a campaign without an entry uses the pool 'default'
--   pool:<pool>             HASH    the pool's settings: ttl (reservation TTL in ms; absent = the server's
--                                   DEFAULT_RESERVATION_TTL) and fallback ('area_code,pool' | 'area_code' | 'pool';
--                                   absent = 'area_code,pool'). campaigns and pool: are replaced together.
--   rl:<agent>:<minute>     STRING  allocations of one agent in one minute window (rate limit), expires in 120 s
--   k:c:<callkey>           STRING  '<cid> <allocation id>' of the call with that VICIdial call id
--   k:u:<uid>               STRING  the same for Asterisk's UNIQUEID; both expire a grace period after the
--                                   reservation, so a late hangup's release still finds the call
--   history                 STREAM  the allocation history not yet in PostgreSQL: every allocation, release and
--                                   take-back, appended by the script that makes it (history.lua), in the same
--                                   atomic call; the history writer moves it to PostgreSQL and trims what it wrote
--   history:dropped         STRING  history entries not appended because the stream was at its limit (a counter)
--   history:writer          STRING  the id of the history writer holding the lease (one node writes at a time),
--                                   expiring unless renewed
--   history:epoch           STRING  a token set by the first read of a new stream: when it changes, the stream was
--                                   lost (Redis restarted empty), and each node writes again what it kept in memory
--   history:written         STRING  the id of the last entry written to PostgreSQL (and trimmed) in this stream
--   history:writers         HASH    each node's history writer -> '<its last read (ms)> <the epoch for which its node
--                                   wrote again what it kept in memory>', so a rebuild waits for every node
--   origin                  STRING  the run id of the Redis server this index was last made whole on (loaded,
--                                   rebuilt or reconciled with PostgreSQL). Another server's run id means the data
--                                   came from elsewhere (a replica promoted by a failover, a restart from a
--                                   snapshot or an AOF) and may lack the last writes: allocations wait until it is
--                                   reconciled (origin.lua, InventorySync)
--   origin:changed          STRING  the run id whose arrival already renewed history:epoch (once per server)
--
-- Fields of n:<cid>:
--   pool npa carrier        where the number belongs (from PostgreSQL)
--   hl dl                   hourly and daily cap, resolved at sync (the number's own, else its pool's, else
--                           the server's default)
--   active                  '1' or '0'
--   last                    last use (ms): its score in a: when available
--   hw hc, dw dc            the hour and day window the counts belong to, and the counts; a count whose window
--                           id is not the current one is zero (no counter needs an expiry of its own)
--   rid rcampaign ragent rdest rat rexp rtier
--                           the last reservation: allocation id, campaign, agent, destination, reserved at,
--                           expires at, tier. Live only while the number is in r:. Kept in the number's hash,
--                           not a key of its own, to spare a key per call.
--   rrepeat                 '1' once a retry of the same call was answered with the reservation (undo.lua
--                           then leaves it alone)
--
-- Invariant: an active number is in exactly one of a:, r:, c: of its pool; an inactive one in r: at most;
-- h: holds exactly the area codes whose a: set is not empty, each scored by that set's first score.
--
-- In a script, K names each key or the start of one: K.NUMBER .. cid, K.AVAILABLE .. pool .. ':' .. npa,
-- K.RATE .. agent .. ':' .. minute. Strings, not functions: a script runs this file on every call, and a table of
-- functions (closures made anew each time, and a call per key) cost 8-12% more Redis time per allocation.
local P = KEYS[1]
local K = {
  NUMBER = P .. 'n:', AVAILABLE = P .. 'a:', AREA_CODES = P .. 'h:', RESERVED = P .. 'r:', CAPPED = P .. 'c:',
  MEMBERS = P .. 'm:', POOL_SETTINGS = P .. 'pool:', RATE = P .. 'rl:', CALL_KEY = P .. 'k:c:', UID = P .. 'k:u:',
  ALL = P .. 'all', POOLS = P .. 'pools', LOADED = P .. 'loaded', CAMPAIGNS = P .. 'campaigns',
  HISTORY = P .. 'history', HISTORY_DROPPED = P .. 'history:dropped', HISTORY_WRITER = P .. 'history:writer',
  HISTORY_EPOCH = P .. 'history:epoch', HISTORY_WRITTEN = P .. 'history:written',
  HISTORY_WRITERS = P .. 'history:writers', ORIGIN = P .. 'origin',
  ORIGIN_CHANGED = P .. 'origin:changed'}
