package io.cidrotator.redis;

import io.cidrotator.redis.StateScript.Reservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.cidrotator.redis.ScriptFixture.CAMPAIGN;
import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.windows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * state.lua through {@link StateScript}: one number's live state (available, reserved, capped, inactive) with
 * its columns, counts and last reservation; an expired reservation or an ended cap not reclaimed yet reads as over.
 */
class StateScriptTest {

  private static final Reservation NONE = new Reservation(null, null, null, null, null, null);

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void aSyncedNumberNeverUsedInTheseWindowsReadsAvailable() {
    redis.sync(number("5125550001").usedAt(1000));

    assertThat(redis.state("5125550001", T0)).isEqualTo(new StateScript.Reply("available", null, DEFAULT_POOL,
      true, 1000L, null, 0, null, 0, 100, 500, NONE));
  }

  @Test
  void aReservedNumberReadsReservedUntilItsExpiryWithItsReservation() {
    redis.sync(number("5125550001"));
    redis.allocate(T0, "512", "agent7", 5);
    CapWindows w = windows(T0);

    StateScript.Reply state = redis.state("5125550001", T0 + 1);

    assertThat(state).isEqualTo(new StateScript.Reply("reserved", T0 + TTL, DEFAULT_POOL, true, T0,
      w.hourId(), 1, w.dayId(), 1, 100, 500,
      new Reservation("id-" + T0, CAMPAIGN, "agent7", "5125551234", "prefix", T0)));
  }

  @Test
  void aNumberAtItsCapReadsCappedUntilTheCapEnds() {
    redis.sync(number("5125550001").hourlyCap(1));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);

    StateScript.Reply state = redis.state("5125550001", T0 + 2);

    assertThat(state.state()).isEqualTo("capped");
    assertThat(state.until()).isEqualTo(windows(T0).hourEnd());
    assertThat(state.hourCount()).isEqualTo(1);
    assertThat(state.hourlyLimit()).isEqualTo(1);
  }

  @Test
  void aDeactivatedNumberReadsInactive() {
    redis.sync(number("5125550001"));
    redis.sync(number("5125550001").deactivated());

    StateScript.Reply state = redis.state("5125550001", T0);

    assertThat(state.state()).isEqualTo("inactive");
    assertThat(state.active()).isFalse();
    assertThat(state.until()).isNull();
  }

  @Test
  void aNumberTheIndexDoesNotHoldReadsNull() {
    redis.sync(number("5125550001"));

    assertThat(redis.state("5125550002", T0)).isNull();
  }

  @Test
  void anExpiredReservationNotReclaimedYetReadsAsOver() {
    redis.sync(number("5125550001"));
    redis.allocate(T0, "512");

    StateScript.Reply lastMoment = redis.state("5125550001", T0 + TTL - 1);
    StateScript.Reply expired = redis.state("5125550001", T0 + TTL);

    assertThat(lastMoment.state()).isEqualTo("reserved");
    assertThat(redis.zscore(RedisKeys.reserved(DEFAULT_POOL), "5125550001")).isEqualTo(T0 + TTL);
    assertThat(expired.state()).isEqualTo("available");
    assertThat(expired.until()).isNull();
    assertThat(expired.reservation().id()).isEqualTo("id-" + T0);
  }

  @Test
  void anEndedCapNotReclaimedYetReadsAsOver() {
    redis.sync(number("5125550001").hourlyCap(1));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);
    long hourEnd = windows(T0).hourEnd();

    StateScript.Reply state = redis.state("5125550001", hourEnd);

    assertThat(redis.zscore(RedisKeys.capped(DEFAULT_POOL), "5125550001")).isEqualTo(hourEnd);
    assertThat(state.state()).isEqualTo("available");
    assertThat(state.until()).isNull();
  }
}
