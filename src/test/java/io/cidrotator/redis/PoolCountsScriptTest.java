package io.cidrotator.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.windows;
import static org.assertj.core.api.Assertions.assertThat;

/** pool_counts.lua through {@link PoolCountsScript}: how many of a pool's numbers are available, reserved, capped. */
class PoolCountsScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void poolCountsTellsAvailableReservedAndCappedNumbers() {
    redis.sync(number("5125550001").hourlyCap(1), number("5125550002"), number("2145550001"), number("2145550002"));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);
    redis.allocate(T0 + 2, "512");

    PoolCountsScript.Reply counts = counts(DEFAULT_POOL, T0 + 3);

    assertThat(counts).isEqualTo(new PoolCountsScript.Reply(2, 1, 1));
  }

  @Test
  void anExpiredReservationAndAnEndedCapNotReclaimedYetAreNotCounted() {
    redis.sync(number("5125550001").hourlyCap(1), number("5125550002"), number("2145550001"));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);
    redis.allocate(T0 + 2, "512");
    long later = Math.max(windows(T0).hourEnd(), T0 + 2 + TTL);

    PoolCountsScript.Reply counts = counts(DEFAULT_POOL, later);

    assertThat(counts).isEqualTo(new PoolCountsScript.Reply(1, 0, 0));
  }

  private static PoolCountsScript.Reply counts(String pool, long now) {
    return PoolCountsScript.run(redis.runner(), new PoolCountsScript.Args(pool, now)).await();
  }
}
