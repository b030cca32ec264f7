-- history: appending to the allocation history's stream (K.HISTORY). Shared Lua, not a script: a script names it
-- on its "-- include:" line. A script appends what it did in the same atomic call as the change itself, so an
-- allocation or a release is in the history the moment it exists, whatever happens to the process that asked for
-- it; io.cidrotator.history.HistoryWriter moves the stream to PostgreSQL and trims what it wrote.
-- include: keys
--
-- Entries, every value a string ('' = none):
--   allocation   e=a id c(caller_id) at x(expires at, ms) d(destination) cp(campaign) ag(agent) t(tier) p(pool)
--                k(VICIdial call id) u(UNIQUEID)
--   release      e=r id c at o(outcome: released | taken_back) ds(dial status) as(answered seconds)
--                hc(hangup cause)
--   undone       e=u id: an allocation taken back before anyone was answered with it; it leaves the history

-- Appends one entry (field, value, ...) unless the stream already holds `limit` entries (PostgreSQL has been away
-- that long): then the entry is counted in K.HISTORY_DROPPED instead, and nothing already in the stream is lost.
-- Returns the entry's id, '' when it was dropped: the script's reply carries it, so the allocator can keep a copy
-- until the stream is written that far (io.cidrotator.history.AllocatorHistory).
local function append_history(limit, ...)
  if redis.call('XLEN', K.HISTORY) >= tonumber(limit) then
    redis.call('INCR', K.HISTORY_DROPPED)
    return ''
  end
  return redis.call('XADD', K.HISTORY, '*', ...)
end
