package io.cidrotator.allocation;

import io.cidrotator.Bus;
import io.cidrotator.phone.NanpNumber;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;

/** The only code that builds or reads the allocation messages of the event bus. */
public final class AllocationClient {

  /** The allocator gives up this much before the bus times out, so its answer and ours agree. */
  private static final long DEADLINE_MARGIN_MS = 50;

  /** How long a late allocation answer is still awaited, to be taken back. */
  private static final long LATE_ANSWER_MS = 5000;
  /** How often callers past their deadline are answered: a 503 comes at most this much late. */
  private static final long SWEEP_MS = 20;

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final DeliveryOptions lateOptions;
  private final long timeoutMs;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private long sweeper = -1;

  /** Used from one event loop (the verticle that created it), like the verticle's own state. */
  public AllocationClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.lateOptions = new DeliveryOptions().setSendTimeout(timeoutMs + LATE_ANSWER_MS);
  }

  /**
   * Reserves a caller-ID for a {@link #request}. Succeeds with caller_id, area_code, carrier,
   * tier, reservation and reserved_for; fails with a ReplyException carrying 429 or 503.
   */
  public Future<JsonObject> allocate(JsonObject request) {
    long now = System.currentTimeMillis();
    // Past the deadline the allocator takes its allocation back instead of answering a caller who left.
    long deadline = now + Math.max(timeoutMs - DEADLINE_MARGIN_MS, timeoutMs / 2);
    Promise<JsonObject> answer = Promise.promise();
    waiting(new Waiting(now + timeoutMs, answer));
    vertx.eventBus()
      .<JsonObject>request(Bus.ALLOCATE, request.put("deadline", deadline), lateOptions)
      .map(Message::body)
      .onComplete(reply -> {
        boolean inTime = reply.succeeded() ? answer.tryComplete(reply.result()) : answer.tryFail(reply.cause());
        if (!inTime && reply.succeeded() && reply.result().getJsonObject("undo") != null) {
          // The dialplan already has its 503 (and dials with its own caller-ID): undo the allocation.
          vertx.eventBus().send(Bus.TAKE_BACK, reply.result().getJsonObject("undo"));
        }
      });
    return answer.future();
  }

  /**
   * Answers are awaited longer than the caller waits, so that a late one can be taken back; the callers
   * themselves get their 503 from one periodic sweep (a timer per request, set and cancelled, cost 4% of
   * the server's CPU). Requests join in deadline order, so the sweep only looks at the head.
   */
  private void waiting(Waiting entry) {
    if (sweeper < 0) {
      sweeper = vertx.setPeriodic(SWEEP_MS, id -> sweep());
    }
    waiting.addLast(entry);
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    while (!waiting.isEmpty() && waiting.peekFirst().deadline() <= now) {
      waiting.pollFirst().answer().tryFail(new ReplyException(ReplyFailure.TIMEOUT,
        "no answer from the allocator in time"));
    }
  }

  private record Waiting(long deadline, Promise<JsonObject> answer) {
  }

  /** The allocation request, as the bus carries it and {@link Allocator#allocate} takes it. */
  public static JsonObject request(NanpNumber destination, String campaign, String agent) {
    return request(destination, campaign, agent, null, null);
  }

  /**
   * The allocation request of an identified call: {@code callkey} is VICIdial's call id (CALLERID(name),
   * e.g. V1260930150000012345), {@code uid} Asterisk's ${UNIQUEID}; either may be null. A repeated request
   * with the same key while its reservation lives answers the same number and counts nothing twice.
   */
  public static JsonObject request(NanpNumber destination, String campaign, String agent, String callkey,
                                   String uid) {
    return new JsonObject()
      .put("to", destination.digits())
      .put("campaign", campaign)
      .put("agent", agent)
      .put("callkey", callkey)
      .put("uid", uid);
  }

  /**
   * Ends the live reservation of a {@link #releaseRequest} (only the named reservation, when it names
   * one); succeeds with released (boolean), fails 404 for an unknown number.
   */
  public Future<JsonObject> release(JsonObject request) {
    return vertx.eventBus()
      .<JsonObject>request(Bus.RELEASE, request, options)
      .map(Message::body);
  }

  /** The release request, as the bus carries it and {@link Allocator#release} takes it. */
  public static JsonObject releaseRequest(String callerId, String reservation) {
    return releaseRequest(callerId, reservation, null, null, Outcome.NONE);
  }

  /**
   * A release naming the call by caller_id (with its reservation, optionally), by callkey or by uid (one of
   * them), with the call's outcome as the hangup handler knows it. A callkey or uid the server never
   * allocated for (or whose reservation TTL passed long ago) fails 404.
   */
  public static JsonObject releaseRequest(String callerId, String reservation, String callkey, String uid,
                                          Outcome outcome) {
    return new JsonObject()
      .put("caller_id", callerId)
      .put("reservation", reservation)
      .put("callkey", callkey)
      .put("uid", uid)
      .put("dialstatus", outcome.dialStatus())
      .put("answered", outcome.answeredSeconds())
      .put("cause", outcome.hangupCause());
  }

  /**
   * How a call ended, from the hangup handler: ${DIALSTATUS} (ANSWER, BUSY, NOANSWER, ...), ${ANSWEREDTIME}
   * in seconds and ${HANGUPCAUSE} (Q.850 code); each may be null.
   */
  public record Outcome(String dialStatus, Integer answeredSeconds, Integer hangupCause) {

    public static final Outcome NONE = new Outcome(null, null, null);
  }

  /** How many reservations are live now. */
  public Future<Long> reservationCount() {
    return vertx.eventBus()
      .<JsonObject>request(Bus.RESERVATION_COUNT, new JsonObject(), options)
      .map(msg -> msg.body().getLong("count"));
  }

  /** Round trip to Redis through an allocator: succeeds with the latency in microseconds. */
  public Future<JsonObject> ping() {
    return vertx.eventBus()
      .<JsonObject>request(Bus.REDIS_PING, new JsonObject(), options)
      .map(Message::body);
  }
}
