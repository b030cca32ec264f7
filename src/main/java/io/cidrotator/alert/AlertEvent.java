package io.cidrotator.alert;

import java.util.Arrays;
import java.util.List;

/** What a webhook can be told of; {@link #TEST} only by its test button. */
public enum AlertEvent {
  /** A pool's free numbers stayed under conditions.pool_free_percent for conditions.pool_free_minutes. */
  POOL_FREE_LOW("pool.free_low"),
  /** Calls to an area code found no free number of it (conditions.no_local_calls in 15 minutes). */
  NO_LOCAL_NUMBER("area_code.no_local_number"),
  /** More numbers than conditions.rested_per_hour were rested in the last hour. */
  NUMBERS_RESTED("numbers.rested"),
  /** An admin flagged a number as spam. */
  NUMBER_FLAGGED("number.flagged"),
  /** Redis or PostgreSQL unreachable for over conditions.down_seconds. */
  DEPENDENCY_DOWN("dependency.down"),
  TEST("test");

  private final String label;

  AlertEvent(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The events a webhook may subscribe to. */
  public static List<AlertEvent> subscribable() {
    return Arrays.stream(values()).filter(event -> event != TEST).toList();
  }

  /** The event named {@code label}; null for none. */
  public static AlertEvent of(String label) {
    for (AlertEvent event : values()) {
      if (event.label.equals(label)) {
        return event;
      }
    }
    return null;
  }
}
