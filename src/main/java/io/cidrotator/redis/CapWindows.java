package io.cidrotator.redis;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The hourly and daily windows that caps count in, in the call center's time zone (a "day" ends at
 * local midnight, not at UTC midnight). Window ids are stable strings the Lua scripts compare with
 * what a number last counted in; a number's count silently restarts when the id changes, so no
 * counter key needs its own expiry.
 */
public record CapWindows(String hourId, long hourEnd, String dayId, long dayEnd, String minuteId, long minuteEnd) {

  /** The windows containing {@code nowMs} in {@code zone}. */
  public static CapWindows at(long nowMs, ZoneId zone) {
    ZonedDateTime now = Instant.ofEpochMilli(nowMs).atZone(zone);
    // The hour id is the instant the hour began: the repeated hour of a DST fall-back is a new window.
    ZonedDateTime hour = now.truncatedTo(ChronoUnit.HOURS);
    ZonedDateTime day = now.toLocalDate().atStartOfDay(zone);
    long minuteStart = nowMs - Math.floorMod(nowMs, 60_000L);
    return new CapWindows(
      Long.toString(hour.toEpochSecond()),
      hour.plusHours(1).toInstant().toEpochMilli(),
      now.toLocalDate().toString(),
      day.plusDays(1).toInstant().toEpochMilli(),
      Long.toString(minuteStart / 60_000L),
      minuteStart + 60_000L);
  }

  /** The four script arguments of the cap windows, in the order index.lua's use_clock reads them. */
  public List<String> argv() {
    return List.of(hourId, Long.toString(hourEnd), dayId, Long.toString(dayEnd));
  }

  /** Whether {@code nowMs} still falls in these windows (the cheap check before recomputing). */
  public boolean contains(long nowMs) {
    return nowMs < minuteEnd && nowMs >= minuteEnd - 60_000L;
  }
}
