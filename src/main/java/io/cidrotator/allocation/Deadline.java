package io.cidrotator.allocation;

import io.cidrotator.Bus;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * The allocation deadline, end to end: the one place that decides what happens when Redis, the bus or an event
 * loop is slow. A dialplan waits about a second and then dials with VICIdial's own caller-ID, so a number handed
 * out after the caller gave up must be neither held until its TTL nor counted.
 * <ol>
 *   <li>The client (router or FastAGI side) answers its caller a 503 at ALLOCATION_TIMEOUT_MS, from one
 *       periodic sweep ({@link #await}).</li>
 *   <li>It gives the allocator a deadline {@value #MARGIN_MS} ms earlier ({@link #forAllocator}), so the
 *       allocator gives up first and both sides agree on the outcome.</li>
 *   <li>The allocator does not start after that deadline, and takes back what it allocated when Redis answered
 *       after it ({@link #passed}; {@code Allocator#allocate}).</li>
 *   <li>An answer that still reaches the client after its caller's 503, or after its caller left (the connection
 *       closed: a CURL that timed out while this process stalled), is taken back on the allocator side
 *       ({@link Bus#TAKE_BACK}), unless it was a retry's, whose number the first request's dialplan may use. Just
 *       after a stall of the event loop, answers wait a moment so the closes of callers that left are read
 *       first.</li>
 * </ol>
 * One instance per client, used from the client's event loop.
 */
final class Deadline {

  /** The allocator gives up this much before the caller does, so its answer and the caller's agree. */
  static final long MARGIN_MS = 50;
  /** How long a late allocation answer is still awaited, to be taken back. */
  static final long LATE_ANSWER_MS = 5000;
  /** How often callers past their deadline are answered: a 503 comes at most this much late. */
  private static final long SWEEP_MS = 20;
  /** A sweep this late means the event loop stalled. */
  private static final long STALL_MS = 500;
  /** For this long after a stall, answers wait {@value #AFTER_STALL_WAIT_MS} ms for the callers' closes to be read. */
  private static final long AFTER_STALL_MS = 2000;
  private static final long AFTER_STALL_WAIT_MS = 10;

  private final Vertx vertx;
  private final long timeoutMs;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private long lastSweep;
  private long stalledUntil;

  /** Create on the client's event loop: the sweep runs there, from the start, so it also notices stalls. */
  Deadline(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    // One periodic sweep, not a timer per request: a timer set and cancelled per request cost 4% of the CPU.
    vertx.setPeriodic(SWEEP_MS, id -> sweep());
  }

  /** The epoch ms after which the allocator must not answer a request sent at {@code now}. */
  long forAllocator(long now) {
    return now + Math.max(timeoutMs - MARGIN_MS, timeoutMs / 2);
  }

  /** Whether the allocator's {@code deadline} (absent: none) has passed at {@code now}. */
  static boolean passed(JsonObject request, long now) {
    return now > request.getLong("deadline", Long.MAX_VALUE);
  }

  /**
   * The answer the caller gets: {@code reply} when it comes within the timeout and the caller is still there, else a
   * 503 (bus timeout) at the timeout. A reply that comes later, or finds the caller gone ({@code callerGone}: its
   * connection closed, as a dialplan's CURL does at its own timeout, or during a stall of this process), and
   * carries an {@code undo} is taken back.
   */
  Future<JsonObject> await(long now, Future<JsonObject> reply, BooleanSupplier callerGone) {
    Promise<JsonObject> answer = Promise.promise();
    // Requests join in deadline order, so the sweep only looks at the head.
    waiting.addLast(new Waiting(now + timeoutMs, answer));
    reply.onComplete(ar -> {
      if (ar.succeeded() && System.currentTimeMillis() < stalledUntil) {
        // Just after a stall: the closes of callers that gave up meanwhile may not be read yet. A moment's wait
        // lets this event loop read them before the answer goes out.
        vertx.setTimer(AFTER_STALL_WAIT_MS, id -> answer(ar, answer, callerGone));
      } else {
        answer(ar, answer, callerGone);
      }
    });
    return answer.future();
  }

  private void answer(AsyncResult<JsonObject> ar, Promise<JsonObject> answer, BooleanSupplier callerGone) {
    if (ar.succeeded() && callerGone.getAsBoolean()) {
      answer.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503, "the caller is gone"));
    }
    boolean inTime = ar.succeeded() ? answer.tryComplete(ar.result()) : answer.tryFail(ar.cause());
    if (!inTime && ar.succeeded() && ar.result().getJsonObject("undo") != null) {
      // The dialplan already has its 503, or is gone (and dials with its own caller-ID): undo the allocation.
      vertx.eventBus().send(Bus.TAKE_BACK, ar.result().getJsonObject("undo"));
    }
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    if (lastSweep > 0 && now - lastSweep > STALL_MS) {
      // This event loop did not run for a while (the JVM stopped, a long GC pause, a starved machine).
      stalledUntil = now + AFTER_STALL_MS;
    }
    lastSweep = now;
    while (!waiting.isEmpty() && waiting.peekFirst().deadline() <= now) {
      waiting.pollFirst().answer().tryFail(new ReplyException(ReplyFailure.TIMEOUT,
        "no answer from the allocator in time"));
    }
  }

  private record Waiting(long deadline, Promise<JsonObject> answer) {
  }
}
