package io.cidrotator.reputation;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a number stands on the rest ladder ({@code caller_ids.health}): healthy; resting (its answer rate fell),
 * then on probation; retired (rested too often, until an admin acts); flagged (an admin recorded a spam label: rests
 * until unflagged or for its pool's flag_rest_days, then probation).
 */
public enum Health {
  HEALTHY, RESTING, PROBATION, RETIRED, FLAGGED;

  /** The state {@code caller_ids.health} names. */
  public static Health of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** The states' names, as the API lists them. */
  public static String labels() {
    return String.join(", ", Arrays.stream(values()).map(Health::label).toList());
  }

  /** Its name in the database and the API. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether /next-cid may hand the number out (on probation: under a lower hourly cap). */
  public boolean handedOut() {
    return this == HEALTHY || this == PROBATION;
  }
}
