-- history_done: the writer wrote the stream up to an entry: trims it there and notes it (history:written), and
-- gives the lease up when asked (its node stops: it leaves history:writers too).
-- include: keys
-- Java: io.cidrotator.redis.HistoryStream#written, #leave.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  the writer's id   ARGV[2] the last entry written to PostgreSQL ('' = none): it and every older one go
-- ARGV[3]  the first entry id to keep (the one after ARGV[2])   ARGV[4] '1' to give the lease up, '0' to keep it
-- Reply: entries left in the stream
if ARGV[2] ~= '' then
  redis.call('XTRIM', K.HISTORY, 'MINID', ARGV[3])
  redis.call('SET', K.HISTORY_WRITTEN, ARGV[2])
end
if ARGV[4] == '1' then
  redis.call('HDEL', K.HISTORY_WRITERS, ARGV[1])
  if redis.call('GET', K.HISTORY_WRITER) == ARGV[1] then
    redis.call('DEL', K.HISTORY_WRITER)
  end
end
return redis.call('XLEN', K.HISTORY)
