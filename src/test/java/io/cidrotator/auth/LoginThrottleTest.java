package io.cidrotator.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

  private static final String ADDRESS = "192.0.2.10";
  private static final long T0 = 1_700_000_000_000L;

  private final LoginThrottle throttle = new LoginThrottle();

  /** {@code times} failed attempts at {@code at}, each of which was let through. */
  private void fail(String address, int times, long at) {
    for (int i = 0; i < times; i++) {
      assertThat(throttle.attempt(address, at)).isZero();
    }
  }

  @Test
  void anUnknownAddressGoesAhead() {
    assertThat(throttle.attempt(ADDRESS, T0)).isZero();
  }

  @Test
  void fiveFailuresInARowGoAhead() {
    fail(ADDRESS, 5, T0);
  }

  @Test
  void afterFiveFailuresTheNextAttemptWaitsOneSecond() {
    fail(ADDRESS, 5, T0);

    assertThat(throttle.attempt(ADDRESS, T0)).isEqualTo(1000);
    assertThat(throttle.attempt(ADDRESS, T0 + 600)).isEqualTo(400);
    assertThat(throttle.attempt(ADDRESS, T0 + 1000)).isZero();
  }

  @Test
  void anAttemptToldToWaitDoesNotCount() {
    fail(ADDRESS, 5, T0);
    throttle.attempt(ADDRESS, T0 + 500);
    throttle.attempt(ADDRESS, T0 + 900);

    assertThat(throttle.attempt(ADDRESS, T0 + 1000)).isZero();
  }

  @Test
  void eachFurtherFailureDoublesTheWait() {
    fail(ADDRESS, 5, T0);
    fail(ADDRESS, 1, T0 + 1000);

    assertThat(throttle.attempt(ADDRESS, T0 + 1000)).isEqualTo(2000);

    fail(ADDRESS, 1, T0 + 3000);

    assertThat(throttle.attempt(ADDRESS, T0 + 3000)).isEqualTo(4000);
  }

  @Test
  void theWaitNeverExceedsFiveMinutes() {
    long now = T0;
    for (int i = 0; i < 40; i++) {
      now += throttle.attempt(ADDRESS, now);
      throttle.attempt(ADDRESS, now);
    }

    assertThat(throttle.attempt(ADDRESS, now)).isEqualTo(5 * 60_000);
  }

  @Test
  void aSuccessForgetsTheFailures() {
    fail(ADDRESS, 5, T0);
    throttle.succeeded(ADDRESS);

    fail(ADDRESS, 5, T0);
  }

  @Test
  void aQuietQuarterHourForgetsTheFailures() {
    fail(ADDRESS, 5, T0);
    long later = T0 + 15 * 60_000 + 1;

    fail(ADDRESS, 5, later);
  }

  @Test
  void failuresFromOneAddressDoNotSlowDownAnother() {
    fail(ADDRESS, 5, T0);

    assertThat(throttle.attempt("192.0.2.11", T0)).isZero();
  }
}
