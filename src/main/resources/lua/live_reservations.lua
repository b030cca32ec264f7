-- live_reservations: one page of the live reservations (expiry after now), soonest expiry first. Read-only.
-- Without a campaign, each pool's first offset+limit entries of its r: set suffice for the merged page;
-- a campaign filter reads the campaign field of every live reservation of the pool(s): there are about as
-- many as calls in progress, and this is an admin read, not the dialer's path.
-- include: keys
-- Java: io.cidrotator.redis.LiveReservationsScript.
-- KEYS[1]  key prefix carrying the hash tag
-- ARGV[1]  now (ms)   ARGV[2] pool ('' = every pool)   ARGV[3] campaign ('' = any)
-- ARGV[4]  offset     ARGV[5] limit
-- Reply: {total, then per reservation 9 fields: caller_id, pool, reservation id, campaign, agent, destination,
--         reserved at (ms), expires at (ms), tier}
local after, campaign = '(' .. ARGV[1], ARGV[3]
local offset, limit = tonumber(ARGV[4]), tonumber(ARGV[5])
local pools = ARGV[2] ~= '' and {ARGV[2]} or redis.call('SMEMBERS', K.POOLS)

local live, total = {}, 0
for _, pool in ipairs(pools) do
  local key = K.RESERVED .. pool
  local entries
  if campaign == '' then
    total = total + redis.call('ZCOUNT', key, after, '+inf')
    entries = redis.call('ZRANGE', key, after, '+inf', 'BYSCORE', 'LIMIT', 0, offset + limit, 'WITHSCORES')
  else
    entries = redis.call('ZRANGE', key, after, '+inf', 'BYSCORE', 'WITHSCORES')
  end
  for i = 1, #entries, 2 do
    if campaign == '' or redis.call('HGET', K.NUMBER .. entries[i], 'rcampaign') == campaign then
      live[#live + 1] = {entries[i], pool, tonumber(entries[i + 1]), entries[i + 1]}
    end
  end
end
if campaign ~= '' then
  total = #live
end
table.sort(live, function(a, b)
  if a[3] ~= b[3] then
    return a[3] < b[3]
  end
  return a[1] < b[1]
end)

local reply = {total}
for i = offset + 1, math.min(offset + limit, #live) do
  -- The expiry as Redis wrote it: Lua 5.1 would print a number of milliseconds in exponent notation.
  local cid, pool, expiry = live[i][1], live[i][2], live[i][4]
  local f = redis.call('HMGET', K.NUMBER .. cid, 'rid', 'rcampaign', 'ragent', 'rdest', 'rat', 'rtier')
  for _, value in ipairs({cid, pool, f[1], f[2], f[3], f[4], f[5], expiry, f[6]}) do
    reply[#reply + 1] = value
  end
end
return reply
