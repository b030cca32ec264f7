-- keys_probe (tests only): the key names keys.lua builds, for RedisKeysTest to hold RedisKeys against.
-- include: keys
return {K.ALL, K.POOLS, K.LOADED, K.CAMPAIGNS, K.number('5125550100'), K.available('east', '512'),
  K.reserved('east'), K.capped('east'), K.pool_settings('east'), K.rate('1001', '29438400'),
  K.call_key('V1260930150000012345'), K.uid('1732612345.7')}
