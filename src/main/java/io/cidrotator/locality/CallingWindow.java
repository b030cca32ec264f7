package io.cidrotator.locality;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The callee's local hours a pool may call in: {@code HH:MM-HH:MM}, the start included, the end not, within one day.
 * A safety net an operator configures, not legal advice.
 *
 * @param start minutes after local midnight
 * @param end   minutes after local midnight, after {@code start}
 */
public record CallingWindow(int start, int end) {

  private static final Pattern TEXT = Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])");

  /** {@code text} as a window; fails naming {@code field} when it is not HH:MM-HH:MM with the start first. */
  public static CallingWindow parse(String field, String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(field + ": HH:MM-HH:MM in the callee's local time, e.g. 08:00-21:00, got '"
        + text + "'");
    }
    int start = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
    int end = Integer.parseInt(m.group(3)) * 60 + Integer.parseInt(m.group(4));
    if (end > 24 * 60 || end <= start) {
      throw new IllegalArgumentException(field + ": the end must come after the start within the day (at most "
        + "24:00), got '" + text + "'");
    }
    return new CallingWindow(start, end);
  }

  /** As allocate.lua reads it: {@code start-end} in minutes. */
  public String minutes() {
    return start + "-" + end;
  }

  /** The window allocate.lua's refusal names ({@code start-end} in minutes), as {@code HH:MM-HH:MM}. */
  public static String fromMinutes(String minutes) {
    String[] parts = minutes.split("-");
    return clock(Integer.parseInt(parts[0])) + "-" + clock(Integer.parseInt(parts[1]));
  }

  @Override
  public String toString() {
    return clock(start) + "-" + clock(end);
  }

  /** {@code minutes} after midnight as {@code HH:MM}. */
  public static String clock(int minutes) {
    return String.format("%02d:%02d", minutes / 60, minutes % 60);
  }

  /** The local time at {@code now} in each of {@code zones}, as minutes after midnight: what a window is checked on. */
  public static List<Integer> localMinutes(List<ZoneId> zones, Instant now) {
    return zones.stream().map(zone -> {
      LocalTime local = now.atZone(zone).toLocalTime();
      return local.getHour() * 60 + local.getMinute();
    }).toList();
  }
}
