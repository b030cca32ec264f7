package io.cidrotator.dialer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The one vocabulary of what became of a dialer's request: metrics label, FastAGI reason and kv error. */
class DialerOutcomeTest {

  @ParameterizedTest
  @CsvSource({
    "200, OK, ok, ",
    "204, OK, ok, ",
    "400, BAD_REQUEST, bad_request, invalid_request",
    "422, MISSING_PARAMETER, bad_request, missing_parameter",
    "401, UNAUTHORIZED, unauthorized, unauthorized",
    "403, FORBIDDEN, unauthorized, forbidden",
    "404, NOT_FOUND, not_found, not_found",
    "429, RATE_LIMITED, rate_limited, rate_limited",
    "451, OUTSIDE_CALLING_WINDOW, outside_calling_window, outside_calling_window",
    "503, UNAVAILABLE, unavailable, unavailable",
    "409, CLIENT_ERROR, client_error, failed",
    "413, CLIENT_ERROR, client_error, failed",
    "499, CLIENT_ERROR, client_error, failed",
    "500, ERROR, error, failed",
    "502, ERROR, error, failed",
    "504, ERROR, error, failed",
    "302, ERROR, error, failed",
    "-1, ERROR, error, failed",
    "0, ERROR, error, failed"})
  void eachStatusStandsForOneOutcomeWithItsLabelAndKvError(int status, DialerOutcome outcome, String label,
                                                          String kvError) {
    assertThat(DialerOutcome.ofStatus(status)).isEqualTo(outcome);
    assertThat(outcome.label()).isEqualTo(label);
    assertThat(outcome.kvError()).isEqualTo(kvError);
  }

  @Test
  void everyOutcomeIsTheOutcomeOfSomeStatus() {
    assertThat(Arrays.stream(new int[] {200, 400, 422, 401, 403, 404, 429, 451, 503, 409, 500})
      .mapToObj(DialerOutcome::ofStatus))
      .containsExactlyInAnyOrder(DialerOutcome.values());
  }

  @Test
  void theKvErrorKeepsApartWhatTheLabelJoins() {
    assertThat(DialerOutcome.BAD_REQUEST.label()).isEqualTo(DialerOutcome.MISSING_PARAMETER.label());
    assertThat(DialerOutcome.BAD_REQUEST.kvError()).isNotEqualTo(DialerOutcome.MISSING_PARAMETER.kvError());
    assertThat(DialerOutcome.UNAUTHORIZED.label()).isEqualTo(DialerOutcome.FORBIDDEN.label());
    assertThat(DialerOutcome.UNAUTHORIZED.kvError()).isNotEqualTo(DialerOutcome.FORBIDDEN.kvError());
  }
}
