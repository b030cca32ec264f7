-- campaign_reservations: the live reservations (expiry after now) of every pool, counted by campaign. Read-only.
-- It reads the campaign of every live reservation: about as many as calls in progress. The dashboard's
-- overview asks every few seconds; never the dialer's path.
-- include: keys
-- Java: io.cidrotator.redis.CampaignReservationsScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)
-- Reply: {campaign, count, campaign, count, ...}; reservations of allocations that named no campaign under ''
local counts, campaigns = {}, {}
for _, pool in ipairs(redis.call('SMEMBERS', K.POOLS)) do
  for _, cid in ipairs(redis.call('ZRANGE', K.RESERVED .. pool, '(' .. ARGV[1], '+inf', 'BYSCORE')) do
    local campaign = redis.call('HGET', K.NUMBER .. cid, 'rcampaign') or ''
    if not counts[campaign] then
      counts[campaign] = 0
      campaigns[#campaigns + 1] = campaign
    end
    counts[campaign] = counts[campaign] + 1
  end
end
local reply = {}
for _, campaign in ipairs(campaigns) do
  reply[#reply + 1] = campaign
  reply[#reply + 1] = counts[campaign]
end
return reply
