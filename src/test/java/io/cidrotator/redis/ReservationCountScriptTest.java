package io.cidrotator.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.number;
import static org.assertj.core.api.Assertions.assertThat;

/** reservation_count.lua through {@link ReservationCountScript}: the live reservations of every pool. */
class ReservationCountScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void reservationsCountsOnlyLiveReservations() {
    redis.sync(number("5125550001"), number("5125550002"));
    redis.allocate(T0, "512");
    redis.allocate(T0 + TTL / 2, "512");

    long live = count(T0 + TTL + 1);

    assertThat(live).isEqualTo(1);
  }

  @Test
  void theCountAddsUpEveryPoolAndDropsAReleasedReservation() {
    redis.sync(number("5125550001"), number("5125550002"), number("5125550003").inPool("east"));
    redis.salesAllocateFromEast(null, "area_code,pool");
    assertThat(count(T0)).isZero();

    redis.allocate(T0, "512");
    redis.allocate(T0 + 1, "512");
    redis.allocateFor("sales", T0 + 2, "512");
    long all = count(T0 + 3);
    redis.release("5125550001", T0 + 4);

    assertThat(all).isEqualTo(3);
    assertThat(count(T0 + 5)).isEqualTo(2);
  }

  private static long count(long now) {
    return ReservationCountScript.run(redis.runner(), new ReservationCountScript.Args(now)).await();
  }
}
