-- history_read: the oldest entries of the history stream, for the writer that holds the lease or takes it now (one
-- node writes the history at a time: the stream's order, an allocation before its release, is the order written),
-- and what every node's writer watches: the stream's epoch and how far it was written.
-- include: keys
-- Java: io.cidrotator.redis.HistoryStream#read.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  the writer's id   ARGV[2] lease (ms): renewed by every read   ARGV[3] at most this many entries
-- ARGV[4]  a new epoch token, set when the stream has none (it is new: Redis lost the old one, or never had one)
-- ARGV[5]  the epoch whose history the writer's node wrote again from memory ('' = none yet)   ARGV[6] now (ms)
--   recorded in history:writers, for a rebuild or a reconciliation to wait for every node (history_writers.lua)
-- Reply: {entries in the stream, entries dropped so far (history:dropped), 1 | 0 (this writer holds the lease),
--         XRANGE's entries, oldest first (none without the lease), the stream's epoch, history:written ('' = none)}
local backlog = redis.call('XLEN', K.HISTORY)
local dropped = tonumber(redis.call('GET', K.HISTORY_DROPPED) or '0')
local epoch = redis.call('GET', K.HISTORY_EPOCH)
if not epoch then
  epoch = ARGV[4]
  redis.call('SET', K.HISTORY_EPOCH, epoch)
end
local written = redis.call('GET', K.HISTORY_WRITTEN) or ''
redis.call('HSET', K.HISTORY_WRITERS, ARGV[1], ARGV[6] .. ' ' .. ARGV[5])
local holder = redis.call('GET', K.HISTORY_WRITER)
if holder and holder ~= ARGV[1] then
  return {backlog, dropped, 0, {}, epoch, written}
end
redis.call('SET', K.HISTORY_WRITER, ARGV[1], 'PX', ARGV[2])
return {backlog, dropped, 1, redis.call('XRANGE', K.HISTORY, '-', '+', 'COUNT', ARGV[3]), epoch, written}
