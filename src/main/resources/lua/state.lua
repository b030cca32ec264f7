-- state: the live state of one number, read in one atomic step (GET /api/caller-ids/{caller_id}). Read-only.
-- include: keys
-- Java: io.cidrotator.redis.StateScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  caller_id   ARGV[2] now (ms)
-- Reply: {} when the index does not hold the number; else field, value pairs: pool npa carrier active last
--        hw hc dw dc hl dl rid rcampaign ragent rdest rat rexp rtier (missing ones ''), then
--        state = available | reserved | capped | inactive, and until = when the reservation or the cap
--        ends (ms; '' otherwise). An expired reservation or an ended cap not reclaimed yet reads as over.
local cid, now = ARGV[1], tonumber(ARGV[2])
local names = {'pool', 'npa', 'carrier', 'active', 'last', 'hw', 'hc', 'dw', 'dc', 'hl', 'dl',
  'rid', 'rcampaign', 'ragent', 'rdest', 'rat', 'rexp', 'rtier'}
local values = redis.call('HMGET', K.NUMBER .. cid, unpack(names))
local pool = values[1]
if not pool then
  return {}
end
local reply = {}
for i, name in ipairs(names) do
  reply[#reply + 1] = name
  reply[#reply + 1] = values[i] or ''
end
local state, till = 'available', ''
local expiry = redis.call('ZSCORE', K.RESERVED .. pool, cid)
local capped = redis.call('ZSCORE', K.CAPPED .. pool, cid)
if expiry and tonumber(expiry) > now then
  state, till = 'reserved', expiry
elseif values[4] ~= '1' then
  state = 'inactive'
elseif capped and tonumber(capped) > now then
  state, till = 'capped', capped
end
reply[#reply + 1] = 'state'
reply[#reply + 1] = state
reply[#reply + 1] = 'until'
reply[#reply + 1] = till
return reply
