package io.cidrotator.dialer;

import io.vertx.core.json.JsonObject;

/**
 * The caller-ID a dialer is answered with. {@code reservation} names it for /release; {@code reservedFor} is the
 * reservation's TTL in seconds; {@code repeat} says a retry of the same call got its live reservation again.
 */
public record Allocation(String callerId, String areaCode, String carrier, String tier, String reservation,
                         long reservedFor, String pool, boolean repeat) {

  /** The allocation as an allocator answers it on the bus. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("caller_id", callerId)
      .put("area_code", areaCode)
      .put("carrier", carrier)
      .put("tier", tier)
      .put("reservation", reservation)
      .put("reserved_for", reservedFor)
      .put("pool", pool)
      .put("repeat", repeat);
  }

  /** The allocation an allocator's answer carries ({@link #toJson()}). */
  public static Allocation fromJson(JsonObject answer) {
    return new Allocation(answer.getString("caller_id"), answer.getString("area_code"), answer.getString("carrier"),
      answer.getString("tier"), answer.getString("reservation"), answer.getLong("reserved_for"),
      answer.getString("pool"), answer.getBoolean("repeat", false));
  }
}
