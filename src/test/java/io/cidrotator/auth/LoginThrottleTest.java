package io.cidrotator.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

  private static final String ADDRESS = "192.0.2.10";
  private static final long T0 = 1_700_000_000_000L;

  private final LoginThrottle throttle = new LoginThrottle();

  private void fail(String address, int times, long at) {
    for (int i = 0; i < times; i++) {
      throttle.failed(address, at);
    }
  }

  @Test
  void anUnknownAddressGoesAhead() {
    assertThat(throttle.waitMs(ADDRESS, T0)).isZero();
  }

  @Test
  void fourFailuresCostNoWait() {
    fail(ADDRESS, 4, T0);

    assertThat(throttle.waitMs(ADDRESS, T0)).isZero();
  }

  @Test
  void theFifthFailureMakesTheNextAttemptWaitOneSecond() {
    fail(ADDRESS, 5, T0);

    assertThat(throttle.waitMs(ADDRESS, T0)).isEqualTo(1000);
    assertThat(throttle.waitMs(ADDRESS, T0 + 600)).isEqualTo(400);
    assertThat(throttle.waitMs(ADDRESS, T0 + 1000)).isZero();
  }

  @Test
  void eachFurtherFailureDoublesTheWait() {
    fail(ADDRESS, 5, T0);
    throttle.failed(ADDRESS, T0 + 1000);

    assertThat(throttle.waitMs(ADDRESS, T0 + 1000)).isEqualTo(2000);

    throttle.failed(ADDRESS, T0 + 3000);

    assertThat(throttle.waitMs(ADDRESS, T0 + 3000)).isEqualTo(4000);
  }

  @Test
  void theWaitNeverExceedsFiveMinutes() {
    fail(ADDRESS, 100, T0);

    assertThat(throttle.waitMs(ADDRESS, T0)).isEqualTo(5 * 60_000);
  }

  @Test
  void aSuccessForgetsTheFailures() {
    fail(ADDRESS, 5, T0);
    throttle.succeeded(ADDRESS);
    fail(ADDRESS, 4, T0);

    assertThat(throttle.waitMs(ADDRESS, T0)).isZero();
  }

  @Test
  void aQuietQuarterHourForgetsTheFailures() {
    fail(ADDRESS, 10, T0);
    long later = T0 + 15 * 60_000 + 1;

    assertThat(throttle.waitMs(ADDRESS, later)).isZero();

    fail(ADDRESS, 4, later);

    assertThat(throttle.waitMs(ADDRESS, later)).isZero();
  }

  @Test
  void failuresFromOneAddressDoNotSlowDownAnother() {
    fail(ADDRESS, 10, T0);

    assertThat(throttle.waitMs("192.0.2.11", T0)).isZero();
  }
}
