package io.cidrotator.alert;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A webhook's thresholds ({@code conditions} of the API; stored as what an admin set, over these defaults).
 *
 * @param poolFreePercent  pool.free_low: a pool's available numbers under this share of its numbers in rotation ...
 * @param poolFreeMinutes  ... for this many minutes
 * @param noLocalCalls     area_code.no_local_number: this many calls to one area code in 15 minutes got no number of it
 * @param restedPerHour    numbers.rested: more numbers than this rested (retirements included) in the last hour
 * @param downSeconds      dependency.down: Redis or PostgreSQL unreachable for this long
 * @param cooldownMinutes  after an alert, the same event of the same subject (a pool, an area code, ...) is not sent to
 *                         this webhook again for this long
 */
public record Conditions(int poolFreePercent, int poolFreeMinutes, int noLocalCalls, int restedPerHour,
                         int downSeconds, int cooldownMinutes) {

  public static final Conditions DEFAULTS = new Conditions(10, 5, 20, 5, 30, 30);

  private static final Map<String, int[]> BOUNDS = new LinkedHashMap<>();

  static {
    BOUNDS.put("pool_free_percent", new int[] {1, 99});
    BOUNDS.put("pool_free_minutes", new int[] {1, 1440});
    BOUNDS.put("no_local_calls", new int[] {1, 100_000});
    BOUNDS.put("rested_per_hour", new int[] {0, 100_000});
    BOUNDS.put("down_seconds", new int[] {5, 3600});
    BOUNDS.put("cooldown_minutes", new int[] {1, 10_080});
  }

  public static Conditions of(JsonObject stored) {
    JsonObject all = DEFAULTS.toJson();
    if (stored != null) {
      all.mergeIn(stored);
    }
    return new Conditions(all.getInteger("pool_free_percent"), all.getInteger("pool_free_minutes"),
      all.getInteger("no_local_calls"), all.getInteger("rested_per_hour"), all.getInteger("down_seconds"),
      all.getInteger("cooldown_minutes"));
  }

  /**
   * The thresholds an admin sent, checked: what to store (null returns a field to its default). Throws
   * {@link IllegalArgumentException} naming the first unknown or out-of-bounds field.
   */
  public static JsonObject checked(Object sent) {
    if (!(sent instanceof JsonObject changes)) {
      throw new IllegalArgumentException("conditions: an object of thresholds (" + String.join(", ", BOUNDS.keySet())
        + "), got " + sent);
    }
    JsonObject checked = new JsonObject();
    for (String field : changes.fieldNames()) {
      int[] bounds = BOUNDS.get(field);
      if (bounds == null) {
        throw new IllegalArgumentException("conditions." + field + ": unknown; the thresholds are "
          + String.join(", ", BOUNDS.keySet()));
      }
      Object value = changes.getValue(field);
      if (value == null) {
        checked.putNull(field);
        continue;
      }
      if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < bounds[0]
        || n.doubleValue() > bounds[1]) {
        throw new IllegalArgumentException("conditions." + field + ": a whole number from " + bounds[0] + " to "
          + bounds[1] + ", got " + value);
      }
      checked.put(field, n.intValue());
    }
    return checked;
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("pool_free_percent", poolFreePercent)
      .put("pool_free_minutes", poolFreeMinutes)
      .put("no_local_calls", noLocalCalls)
      .put("rested_per_hour", restedPerHour)
      .put("down_seconds", downSeconds)
      .put("cooldown_minutes", cooldownMinutes);
  }
}
