-- release_campaign: ends every live reservation made for one campaign, in every pool, as release.lua ends one:
-- the number keeps its place in the LRU order (or goes to its pool's capped set). Reservations already over
-- by their TTL are left to the lazy reclaim: nothing live is released there.
-- include: keys, index, history
-- Java: io.cidrotator.redis.ReleaseCampaignScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  campaign   ARGV[2] now (ms)
-- ARGV[3]  hour window id   ARGV[4] hour window end (ms)   ARGV[5] day window id   ARGV[6] day window end (ms)
-- ARGV[7]  the history stream's limit: each release is appended (history.lua)
-- Reply: {caller_id, allocation id, history entry id ('' when the stream was full), ...} of every reservation
--        released
local campaign = ARGV[1]
use_clock(ARGV[2], 3)

local released = {}
for _, pool in ipairs(redis.call('SMEMBERS', K.POOLS)) do
  local key = K.RESERVED .. pool
  for _, cid in ipairs(redis.call('ZRANGE', key, '(' .. ARGV[2], '+inf', 'BYSCORE')) do
    local f = redis.call('HMGET', K.NUMBER .. cid, 'rcampaign', 'rid')
    if f[1] == campaign then
      redis.call('ZREM', key, cid)
      restore(cid, true)
      released[#released + 1] = cid
      released[#released + 1] = f[2] or ''
      released[#released + 1] = append_history(ARGV[7], 'r' .. H .. (f[2] or '') .. H .. cid .. H .. ARGV[2] .. H
        .. 'released' .. H .. H .. H)
    end
  end
end
return released
