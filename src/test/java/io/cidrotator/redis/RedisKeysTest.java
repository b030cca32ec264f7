package io.cidrotator.redis;

import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Java's key names and the ones keys.lua gives the scripts are the same names. */
class RedisKeysTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void javaNamesEveryKeyAsTheScriptsDo() {
    LuaScript probe = LuaScript.load("keys_probe");

    List<String> scripts = new ArrayList<>();
    for (Response key : redis.runner().run(probe, List.of()).await()) {
      scripts.add(key.toString());
    }

    assertThat(scripts).containsExactly(RedisKeys.ALL, RedisKeys.POOLS, RedisKeys.LOADED, RedisKeys.CAMPAIGNS,
      RedisKeys.HISTORY, RedisKeys.HISTORY_DROPPED, RedisKeys.HISTORY_WRITER, RedisKeys.HISTORY_EPOCH,
      RedisKeys.HISTORY_WRITTEN,
      RedisKeys.number("5125550100"), RedisKeys.available("east", "512"),
      RedisKeys.town("east", "512555"), RedisKeys.poolTier("east"), RedisKeys.tier("east", "s:US-TX"), RedisKeys.reserved("east"),
      RedisKeys.capped("east"), RedisKeys.poolSettings("east"), RedisKeys.rate("1001", "29438400"),
      RedisKeys.callKey("V1260930150000012345"), RedisKeys.uid("1732612345.7"));
  }
}
