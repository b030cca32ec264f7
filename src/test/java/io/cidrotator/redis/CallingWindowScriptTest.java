package io.cidrotator.redis;

import io.cidrotator.redis.AllocateScript.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.callerIdOf;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * allocate.lua's calling window: the pool's (or its region's) window must hold the callee's local time in every one
 * of its zones; outside it nothing is reserved or counted. settings.lua writes the windows.
 */
class CallingWindowScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  /** 08:00-21:00, and 09:00-20:00 for callees in Texas. */
  private void windows() {
    redis.sync(number("5125550001"));
    redis.settings(List.of(new SettingsScript.PoolSettings(DEFAULT_POOL, null, "area_code,pool", "lru", 0, "480-1260",
      Map.of("US-TX", "540-1200"))));
  }

  @Test
  void theStartIsInsideAndTheEndIsNot() {
    windows();

    AllocateScript.Refused before = refused(redis.allocateCallee(T0, "US-NY", 479));
    assertThat(before.reason()).isEqualTo(Refusal.OUTSIDE_CALLING_WINDOW);
    assertThat(before.detail()).isEqualTo("480-1260");
    assertThat(refused(redis.allocateCallee(T0, "US-NY", 1260)).reason()).isEqualTo(Refusal.OUTSIDE_CALLING_WINDOW);
    assertThat(redis.hash(RedisKeys.number("5125550001"))).doesNotContainKey("rid");
    assertThat(callerIdOf(redis.allocateCallee(T0 + 1, "US-NY", 480))).isEqualTo("5125550001");
  }

  @Test
  void aRegionsOwnWindowWinsOverThePools() {
    windows();

    AllocateScript.Refused texas = refused(redis.allocateCallee(T0, "US-TX", 500));

    assertThat(texas.reason()).isEqualTo(Refusal.OUTSIDE_CALLING_WINDOW);
    assertThat(texas.detail()).isEqualTo("540-1200");
    assertThat(callerIdOf(redis.allocateCallee(T0 + 1, "US-OK", 500))).isEqualTo("5125550001");
  }

  @Test
  void everyZoneOfTheCalleeMustBeInside() {
    windows();

    assertThat(refused(redis.allocateCallee(T0, "US-AK", 500, 470)).reason())
      .isEqualTo(Refusal.OUTSIDE_CALLING_WINDOW);
    assertThat(callerIdOf(redis.allocateCallee(T0 + 1, "US-AK", 500, 560))).isEqualTo("5125550001");
  }

  @Test
  void aCalleeWithoutALocalTimeAndAPoolWithoutAWindowAreNotChecked() {
    windows();
    assertThat(callerIdOf(redis.allocateCallee(T0, ""))).isEqualTo("5125550001");

    redis.sync(number("5125550002"));
    redis.settings(List.of(new SettingsScript.PoolSettings(DEFAULT_POOL, null, "area_code,pool")));
    assertThat(callerIdOf(redis.allocateCallee(T0 + 1, "US-NY", 10))).isEqualTo("5125550002");
  }

  @Test
  void settingsReplaceTheWindowsOfAPool() {
    windows();
    redis.settings(List.of(new SettingsScript.PoolSettings(DEFAULT_POOL, null, "area_code,pool")));

    assertThat(redis.hash(RedisKeys.poolSettings(DEFAULT_POOL))).doesNotContainKeys("window", "window:US-TX");
  }
}
