package io.cidrotator.allocation;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The bodies {@link AllocationClient} sends on the bus, written out field by field so that a test pins the wire
 * format, and what an allocation answer's reservation id tells.
 */
public final class AllocationMessages {

  private AllocationMessages() {
  }

  /** An allocation for a call to {@code to} (10 digits): every field of the request, then a deadline a minute on. */
  public static JsonObject allocation(String to) {
    return new JsonObject()
      .put("to", to)
      .putNull("campaign")
      .putNull("agent")
      .putNull("callkey")
      .putNull("uid")
      .put("deadline", System.currentTimeMillis() + 60_000);
  }

  /** A release of {@code callerId} (null: the call is named by callkey or uid, put by the caller). */
  public static JsonObject release(String callerId) {
    return new JsonObject()
      .put("caller_id", callerId)
      .putNull("reservation")
      .putNull("callkey")
      .putNull("uid")
      .putNull("dialstatus")
      .putNull("answered")
      .putNull("cause");
  }

  /**
   * When the allocation was made (epoch ms): its id is a version-7 UUID, whose first 48 bits are the time the
   * allocator also records as its reservation's start and its history's allocated_at.
   */
  public static long epochMs(String reservation) {
    return UUID.fromString(reservation).getMostSignificantBits() >>> 16;
  }
}
