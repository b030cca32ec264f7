package io.cidrotator.reputation;

import java.util.Locale;

/** Where a number stands on the rest ladder ({@code caller_ids.health}). */
public enum Health {
  HEALTHY, RESTING, PROBATION, RETIRED;

  /** The state {@code caller_ids.health} names. */
  public static Health of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
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
