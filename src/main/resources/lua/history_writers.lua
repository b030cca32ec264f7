-- history_writers: whether the history writer of every node seen lately has written again, for the stream's current
-- epoch, what its node's allocators kept in memory (history_read.lua records each writer's reads and the epoch it
-- did that for). A rebuild or a reconciliation of the index waits for it, so it reads every node's history. Writers
-- not seen for an hour (nodes gone) are removed.
-- include: keys
-- Java: io.cidrotator.redis.HistoryStream#writers.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)   ARGV[2] a writer whose last read is at most this old (ms) counts as running
-- Reply: {writers running, of them not done for the current epoch}
local epoch = redis.call('GET', K.HISTORY_EPOCH) or ''
local now, within = tonumber(ARGV[1]), tonumber(ARGV[2])
local writers = redis.call('HGETALL', K.HISTORY_WRITERS)
local running, behind = 0, 0
for j = 1, #writers, 2 do
  local at, done = string.match(writers[j + 1], '^(%d+) (.*)$')
  local age = now - tonumber(at or '0')
  if age > 3600000 then
    redis.call('HDEL', K.HISTORY_WRITERS, writers[j])
  elseif age <= within then
    running = running + 1
    if done ~= epoch then
      behind = behind + 1
    end
  end
end
return {running, behind}
