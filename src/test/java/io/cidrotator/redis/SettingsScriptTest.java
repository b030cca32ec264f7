package io.cidrotator.redis;

import io.cidrotator.redis.SettingsScript.PoolSettings;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.number;
import static org.assertj.core.api.Assertions.assertThat;

/** settings.lua through {@link SettingsScript}: every pool's settings and every campaign's pool, replaced at once. */
class SettingsScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void settingsReplacesEveryMappingAndForgetsAnEmptyPoolPostgresqlNoLongerHas() {
    SettingsScript.Reply before = redis.settings(List.of(new PoolSettings(DEFAULT_POOL, null, "area_code,pool"),
      new PoolSettings("east", 5000L, "pool")), "sales", "east", "support", "east");
    SettingsScript.Reply after = redis.settings(List.of(new PoolSettings(DEFAULT_POOL, null, "area_code,pool")),
      "support", DEFAULT_POOL);

    assertThat(before).isEqualTo(new SettingsScript.Reply(2, 2));
    assertThat(after).isEqualTo(new SettingsScript.Reply(1, 1));
    assertThat(redis.hget(RedisKeys.CAMPAIGNS, "sales")).isNull();
    assertThat(redis.hget(RedisKeys.CAMPAIGNS, "support")).isEqualTo(DEFAULT_POOL);
    assertThat(redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.poolSettings("east"))).toLong()).isZero();
    assertThat(redis.send(Request.cmd(Command.SISMEMBER).arg(RedisKeys.POOLS).arg("east")).toLong()).isZero();
    assertThat(redis.hget(RedisKeys.poolSettings(DEFAULT_POOL), "tiers")).isEqualTo("area_code,pool");
  }

  @Test
  void aPoolPostgresqlNoLongerHasLosesItsSettingsButKeepsItsNameWhileItHoldsNumbers() {
    redis.sync(number("5125550001").inPool("east"));
    redis.settings(List.of(new PoolSettings(DEFAULT_POOL, null, "area_code,pool"),
      new PoolSettings("east", 5000L, "pool")), "sales", "east");
    assertThat(redis.hget(RedisKeys.poolSettings("east"), "ttl")).isEqualTo("5000");

    redis.settings(List.of(new PoolSettings(DEFAULT_POOL, null, "area_code,pool")));

    assertThat(redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.poolSettings("east"))).toLong()).isZero();
    assertThat(redis.send(Request.cmd(Command.SISMEMBER).arg(RedisKeys.POOLS).arg("east")).toLong()).isEqualTo(1);
    assertThat(redis.hget(RedisKeys.CAMPAIGNS, "sales")).isNull();
  }

  @Test
  void theCountsOfAssignedPrefixesOutliveASettingsWriteAndOnlyPositiveOnesDo() {
    redis.sync(number("7735550100").assignedTo("3125", "31"));
    redis.send(Request.cmd(Command.HSET).arg(RedisKeys.poolSettings(DEFAULT_POOL)).arg("x5").arg("-1"));

    redis.settings(List.of(new PoolSettings(DEFAULT_POOL, null, "area_code,pool")));

    assertThat(redis.hash(RedisKeys.poolSettings(DEFAULT_POOL))).containsEntry("x4", "1").containsEntry("x2", "1")
      .doesNotContainKey("x5").containsEntry("tiers", "area_code,pool");
  }
}
