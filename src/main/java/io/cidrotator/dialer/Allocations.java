package io.cidrotator.dialer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.BooleanSupplier;

/**
 * Where the dialer routes get their numbers: the allocators over the event bus in production
 * ({@code AllocationClient}), an allocator called in place by the benchmark's direct route.
 */
public interface Allocations {

  /**
   * Reserves a caller-ID; fails with the status of a 429 or 503 (bus failure code or {@code Bus.Failure}).
   * {@code callerGone} says whether the caller stopped waiting (its connection closed): an allocation answered
   * after that is taken back instead of being answered (the caller, a dialplan, dials with its own caller-ID).
   */
  Future<Allocation> allocate(AllocationRequest request, BooleanSupplier callerGone);

  /** Ends the named call's reservation; succeeds with whether a live one ended; fails 404 for an unknown call. */
  Future<Release> release(ReleaseRequest request);

  /** What a release did: {@code released} is false when nothing was live (idempotent). */
  record Release(String callerId, boolean released) {

    /** The release as an allocator answers it on the bus. */
    public JsonObject toJson() {
      return new JsonObject().put("caller_id", callerId).put("released", released);
    }

    /** The release an allocator's answer carries ({@link #toJson()}). */
    public static Release fromJson(JsonObject answer) {
      return new Release(answer.getString("caller_id"), answer.getBoolean("released"));
    }
  }
}
