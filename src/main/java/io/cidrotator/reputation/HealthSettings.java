package io.cidrotator.reputation;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pool's thresholds of number health ({@code pools.health}, the API's {@code health} object): what a short call is,
 * when a number's answer rate is low enough to rest it, and the ladder that follows. Every field has a default; a
 * stored object holds only what an admin set.
 *
 * @param autoRest             whether numbers of the pool are rested automatically (flags rest them either way)
 * @param shortCallSeconds     an answered call shorter than this is a short call (a callee who hung up at once)
 * @param minCalls             calls with a known outcome in the last 24 hours before a number's rate is judged
 * @param ratio                a number rests when its answer rate, at the upper end of its 95% confidence interval,
 *                             is below this share of the pool's 7-day answer rate
 * @param restHours            how long a rested number is never handed out
 * @param probationHours       then how long it is handed out under {@code probationHourlyLimit} (0 = none)
 * @param probationHourlyLimit its hourly cap on probation (its own cap when lower)
 * @param retireAfter          rested this many times within {@code retireDays} days: retired until an admin acts
 * @param retireDays           the window of {@code retireAfter}
 * @param flagRestDays         how long a number flagged as spam rests unless unflagged sooner
 */
public record HealthSettings(boolean autoRest, int shortCallSeconds, int minCalls, double ratio, int restHours,
                             int probationHours, int probationHourlyLimit, int retireAfter, int retireDays,
                             int flagRestDays) {

  public static final HealthSettings DEFAULTS = new HealthSettings(true, 6, 40, 0.5, 24, 24, 3, 3, 7, 14);

  /** Each field's JSON name and bounds (inclusive), in the API's order. */
  private static final Map<String, double[]> BOUNDS = new LinkedHashMap<>();

  static {
    BOUNDS.put("short_call_seconds", new double[] {1, 300});
    BOUNDS.put("min_calls", new double[] {10, 100_000});
    BOUNDS.put("ratio", new double[] {0.05, 0.95});
    BOUNDS.put("rest_hours", new double[] {1, 720});
    BOUNDS.put("probation_hours", new double[] {0, 720});
    BOUNDS.put("probation_hourly_limit", new double[] {1, 10_000});
    BOUNDS.put("retire_after", new double[] {1, 100});
    BOUNDS.put("retire_days", new double[] {1, 365});
    BOUNDS.put("flag_rest_days", new double[] {1, 365});
  }

  /** The settings a stored object gives: its fields over the defaults. */
  public static HealthSettings of(JsonObject stored) {
    JsonObject all = DEFAULTS.toJson();
    if (stored != null) {
      all.mergeIn(stored);
    }
    return new HealthSettings(all.getBoolean("auto_rest"), all.getInteger("short_call_seconds"),
      all.getInteger("min_calls"), all.getDouble("ratio"), all.getInteger("rest_hours"),
      all.getInteger("probation_hours"), all.getInteger("probation_hourly_limit"), all.getInteger("retire_after"),
      all.getInteger("retire_days"), all.getInteger("flag_rest_days"));
  }

  /**
   * The thresholds an admin sent ({@code health} of a pool write), checked: what to merge into what the pool stores
   * (a null field returns to its default). Throws {@link IllegalArgumentException} naming the first field that is
   * unknown or out of bounds ({@code health.min_calls: ...}).
   */
  public static JsonObject checked(Object sent) {
    if (!(sent instanceof JsonObject changes)) {
      throw new IllegalArgumentException("health: an object of thresholds (" + String.join(", ", names())
        + "), got " + sent);
    }
    JsonObject checked = new JsonObject();
    for (String field : changes.fieldNames()) {
      Object value = changes.getValue(field);
      if (!field.equals("auto_rest") && !BOUNDS.containsKey(field)) {
        throw new IllegalArgumentException("health." + field + ": unknown; the thresholds are "
          + String.join(", ", names()));
      }
      if (value == null) {
        checked.putNull(field);
      } else if (field.equals("auto_rest")) {
        if (!(value instanceof Boolean)) {
          throw new IllegalArgumentException("health.auto_rest: true or false, got " + value);
        }
        checked.put(field, value);
      } else {
        checked.put(field, checked(field, value));
      }
    }
    return checked;
  }

  private static Number checked(String field, Object value) {
    double[] bounds = BOUNDS.get(field);
    boolean whole = !field.equals("ratio");
    if (!(value instanceof Number number) || whole && number.doubleValue() != Math.rint(number.doubleValue())
      || number.doubleValue() < bounds[0] || number.doubleValue() > bounds[1]) {
      throw new IllegalArgumentException("health." + field + ": " + (whole ? "a whole number" : "a number") + " from "
        + format(bounds[0]) + " to " + format(bounds[1]) + ", got " + value);
    }
    return whole ? (Number) number.intValue() : (Number) number.doubleValue();
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static String[] names() {
    String[] names = new String[BOUNDS.size() + 1];
    names[0] = "auto_rest";
    int i = 1;
    for (String name : BOUNDS.keySet()) {
      names[i++] = name;
    }
    return names;
  }

  /** Every field, as the API shows a pool's thresholds. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("auto_rest", autoRest)
      .put("short_call_seconds", shortCallSeconds)
      .put("min_calls", minCalls)
      .put("ratio", ratio)
      .put("rest_hours", restHours)
      .put("probation_hours", probationHours)
      .put("probation_hourly_limit", probationHourlyLimit)
      .put("retire_after", retireAfter)
      .put("retire_days", retireDays)
      .put("flag_rest_days", flagRestDays);
  }
}
