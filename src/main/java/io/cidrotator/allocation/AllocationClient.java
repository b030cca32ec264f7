package io.cidrotator.allocation;

import io.cidrotator.Bus;
import io.cidrotator.dialer.Allocation;
import io.cidrotator.dialer.AllocationRequest;
import io.cidrotator.dialer.Allocations;
import io.cidrotator.dialer.ReleaseRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.function.BooleanSupplier;

/**
 * The only code that builds or reads the allocation messages of the event bus. Used from one event loop (the
 * verticle that created it), like the verticle's own state.
 */
public final class AllocationClient implements Allocations {

  private final Bus.Sender bus;
  /** Allocation answers are awaited longer than the caller waits, so that a late one can be taken back. */
  private final Bus.Sender lateAnswers;
  private final Deadline deadline;

  public AllocationClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
    this.lateAnswers = new Bus.Sender(vertx, timeoutMs + Deadline.LATE_ANSWER_MS);
    this.deadline = new Deadline(vertx, timeoutMs);
  }

  /**
   * Reserves a caller-ID, within ALLOCATION_TIMEOUT_MS ({@link Deadline}), for a caller still there when the answer
   * comes; fails with a ReplyException carrying 429 or 503.
   */
  @Override
  public Future<Allocation> allocate(AllocationRequest request, BooleanSupplier callerGone) {
    long now = System.currentTimeMillis();
    JsonObject body = request.toJson().put("deadline", deadline.forAllocator(now));
    return deadline.await(now, lateAnswers.request(Bus.ALLOCATE, body), callerGone)
      .map(Allocation::fromJson);
  }

  /** Ends the named call's live reservation; fails 404 for an unknown number or call key. */
  @Override
  public Future<Release> release(ReleaseRequest request) {
    return bus.request(Bus.RELEASE, request.toJson())
      .map(Release::fromJson);
  }

  /** How many reservations are live now. */
  public Future<Long> reservationCount() {
    return bus.request(Bus.RESERVATION_COUNT, new JsonObject())
      .map(answer -> answer.getLong("count"));
  }

  /** Round trip to Redis through an allocator: succeeds with the latency in microseconds. */
  public Future<JsonObject> ping() {
    return bus.request(Bus.REDIS_PING, new JsonObject());
  }
}
