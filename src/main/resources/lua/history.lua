-- history: appending to the allocation history's stream (K.HISTORY). Shared Lua, not a script: a script names it
-- on its "-- include:" line. A script appends what it did in the same atomic call as the change itself, so an
-- allocation or a release is in the history the moment it exists, whatever happens to the process that asked for
-- it; io.cidrotator.history.HistoryWriter moves the stream to PostgreSQL and trims what it wrote.
-- include: keys
--
-- An entry is one field, v, whose value is the event's values joined by H (the unit separator, which no
-- validated input holds), '' for none. One field, not one per value: a third less Redis time per allocation, and
-- a stream whose entries all have the same field is stored without the field names.
--   allocation   a id caller_id at(ms) expires_at(ms) destination campaign agent tier pool call_key uid
--   release      r id caller_id at(ms) outcome(released | taken_back) dial_status answered_seconds hangup_cause
--   undone       u id: an allocation taken back before anyone was answered with it; it leaves the history
local H = '\031'

-- Appends one entry (the joined values) unless the stream already holds `limit` entries (PostgreSQL has been away
-- that long): then the entry is counted in K.HISTORY_DROPPED instead, and nothing already in the stream is lost.
-- Returns the entry's id, '' when it was dropped: the script's reply carries it, so the allocator can keep a copy
-- until the stream is written that far (io.cidrotator.history.AllocatorHistory).
local function append_history(limit, entry)
  if redis.call('XLEN', K.HISTORY) >= tonumber(limit) then
    redis.call('INCR', K.HISTORY_DROPPED)
    return ''
  end
  return redis.call('XADD', K.HISTORY, '*', 'v', entry)
end
