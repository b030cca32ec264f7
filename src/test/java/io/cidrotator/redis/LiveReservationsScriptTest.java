package io.cidrotator.redis;

import io.cidrotator.redis.LiveReservationsScript.Reservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.number;
import static org.assertj.core.api.Assertions.assertThat;

/** live_reservations.lua through {@link LiveReservationsScript}: a page of the live reservations, soonest expiry first. */
class LiveReservationsScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void liveReservationsListsAPageSoonestExpiryFirstFilteredByPoolAndCampaign() {
    redis.sync(number("5125550001"), number("5125550002"), number("5125550003").inPool("east"));
    redis.salesAllocateFromEast(1000L, "area_code,pool");
    redis.allocateFor("a", T0, "512");
    redis.allocateFor("b", T0 + 10, "512");
    redis.allocateFor("sales", T0 + 20, "512");

    LiveReservationsScript.Reply all = liveReservations(T0 + 30, null, null, 0, 10);
    LiveReservationsScript.Reply page2 = liveReservations(T0 + 30, null, null, 1, 1);
    LiveReservationsScript.Reply ofB = liveReservations(T0 + 30, null, "b", 0, 10);
    LiveReservationsScript.Reply ofDefault = liveReservations(T0 + 30, DEFAULT_POOL, null, 0, 10);
    LiveReservationsScript.Reply afterEastExpired = liveReservations(T0 + 1020, null, null, 0, 10);

    assertThat(all.total()).isEqualTo(3);
    assertThat(all.page()).extracting(Reservation::callerId).containsExactly("5125550003", "5125550001", "5125550002");
    assertThat(all.page().get(0)).isEqualTo(new Reservation("5125550003", "east", "id-" + (T0 + 20), "sales", null,
      "5125551234", T0 + 20, T0 + 20 + 1000, "area_code"));
    assertThat(page2.total()).isEqualTo(3);
    assertThat(page2.page()).containsExactly(new Reservation("5125550001", DEFAULT_POOL, "id-" + T0, "a", null,
      "5125551234", T0, T0 + TTL, "area_code"));
    assertThat(ofB.total()).isEqualTo(1);
    assertThat(ofB.page()).extracting(Reservation::callerId).containsExactly("5125550002");
    assertThat(ofDefault.total()).isEqualTo(2);
    assertThat(ofDefault.page()).extracting(Reservation::callerId).containsExactly("5125550001", "5125550002");
    assertThat(afterEastExpired.total()).isEqualTo(2);
  }

  private static LiveReservationsScript.Reply liveReservations(long now, String pool, String campaign, long offset,
                                                               int limit) {
    return LiveReservationsScript.run(redis.runner(), new LiveReservationsScript.Args(now, pool, campaign, offset,
      limit)).await();
  }
}
