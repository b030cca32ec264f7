-- keys_probe (tests only): the key names keys.lua gives the scripts, for RedisKeysTest to hold RedisKeys against.
-- include: keys, index
return {K.ALL, K.POOLS, K.LOADED, K.CAMPAIGNS, K.HISTORY, K.HISTORY_DROPPED, K.HISTORY_WRITER, K.HISTORY_EPOCH,
  K.HISTORY_WRITTEN, K.NUMBER .. '5125550100', K.AVAILABLE .. 'east' .. ':' .. '512',
  K.TOWN .. 'east' .. ':' .. '512555', K.TIERS .. 'east', K.TIERS .. 'east' .. ':s:US-TX',
  K.RESERVED .. 'east', K.CAPPED .. 'east', K.POOL_SETTINGS .. 'east', K.RATE .. '1001' .. ':' .. '29438400',
  K.CALL_KEY .. 'V1260930150000012345', K.UID .. '1732612345.7'}
