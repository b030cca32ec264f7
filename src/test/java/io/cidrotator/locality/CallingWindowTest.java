package io.cidrotator.locality;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A calling window's text and the callee's local time it is checked on, across a DST change. */
class CallingWindowTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  @Test
  void aWindowIsHoursAndMinutesOfOneDay() {
    CallingWindow window = CallingWindow.parse("calling_window", "08:00-21:30");

    assertThat(window).isEqualTo(new CallingWindow(480, 1290));
    assertThat(window.minutes()).isEqualTo("480-1290");
    assertThat(window).hasToString("08:00-21:30");
    assertThat(CallingWindow.fromMinutes("480-1290")).isEqualTo("08:00-21:30");
    assertThat(CallingWindow.parse("w", "00:00-24:00")).isEqualTo(new CallingWindow(0, 1440));
  }

  @ParameterizedTest
  @ValueSource(strings = {"8-21", "08:00", "21:00-08:00", "08:00-08:00", "08:60-09:00", "24:00-24:30", "08:00-24:30",
    "08:00 - 21:00"})
  void anythingElseIsRefusedNamingTheField(String text) {
    assertThatThrownBy(() -> CallingWindow.parse("calling_window", text))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("calling_window: ");
  }

  /** 2026-03-08: New York's clocks go from 02:00 EST to 03:00 EDT; the same UTC instant is an hour later after. */
  @Test
  void theLocalTimeFollowsTheDaylightSavingChange() {
    assertThat(CallingWindow.localMinutes(List.of(NEW_YORK), Instant.parse("2026-03-07T12:59:00Z")))
      .containsExactly(7 * 60 + 59);
    assertThat(CallingWindow.localMinutes(List.of(NEW_YORK), Instant.parse("2026-03-08T12:59:00Z")))
      .containsExactly(8 * 60 + 59);
    assertThat(CallingWindow.localMinutes(List.of(NEW_YORK), Instant.parse("2026-03-08T06:59:00Z")))
      .as("01:59 EST, a minute before the change").containsExactly(60 + 59);
    assertThat(CallingWindow.localMinutes(List.of(NEW_YORK), Instant.parse("2026-03-08T07:00:00Z")))
      .as("03:00 EDT").containsExactly(3 * 60);
  }

  @Test
  void anAreaCodeSpanningZonesHasOneLocalTimePerZone() {
    List<ZoneId> alaska = Locality.nanp().areaCode("907").zones();

    assertThat(CallingWindow.localMinutes(alaska, Instant.parse("2026-07-01T18:00:00Z")))
      .containsExactly(9 * 60, 10 * 60);
  }
}
