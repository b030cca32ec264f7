package io.cidrotator.allocation;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.redis.AllocateScript;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.LiveReservationsScript;
import io.cidrotator.redis.ReleaseCampaignScript;
import io.cidrotator.redis.ReleaseScript;
import io.cidrotator.redis.ReservationCountScript;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.redis.UndoScript;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Allocation over one pipelined Redis connection: each request is one atomic Lua call. History is
 * batched here and handed to the admin verticle off the hot path. Owned by one verticle (one event loop).
 */
public final class Allocator {

  private static final String DEFAULT_POOL = "default";
  private static final int RECLAIM_BATCH = 8;
  private static final long HISTORY_FLUSH_MS = 100;
  /** A call key outlives its reservation this long: a hangup handler's release still finds the call. */
  private static final long CALL_KEY_GRACE_MS = 15 * 60_000L;

  private final Vertx vertx;
  private final AppConfig config;
  private final long ttlMs;
  private final int agentLimit;
  private final ScriptRunner redis;
  private final LiveReservations reservations;
  private final Counter releasedCount = releaseCounter("released");
  private final Counter nothingLiveCount = releaseCounter("nothing_live");
  private final Counter unknownCount = releaseCounter("unknown");
  private CapWindows windows;
  private List<HistoryEvent> history = new ArrayList<>();
  private long timer;

  public Allocator(Vertx vertx, AppConfig config, String owner) {
    this.vertx = vertx;
    this.config = config;
    this.redis = new ScriptRunner(vertx, config.redisConnectionString(), owner);
    this.ttlMs = config.reservationTtlSeconds() * 1000L;
    this.agentLimit = config.rateLimitPerAgent();
    this.reservations = new LiveReservations(redis, config.timezone(), event -> history.add(event));
  }

  /** Connects to Redis and starts the history flush timer; call from the owning verticle's start(). */
  public Future<Void> start() {
    timer = vertx.setPeriodic(HISTORY_FLUSH_MS, id -> flushHistory());
    return redis.connect()
      .compose(v -> redis.loadScripts(AllocateScript.LUA, ReleaseScript.LUA, UndoScript.LUA,
        ReservationCountScript.LUA, LiveReservationsScript.LUA, ReleaseCampaignScript.LUA));
  }

  /** Listing and bulk release of live reservations, over this allocator's connection and history. */
  public LiveReservations reservations() {
    return reservations;
  }

  /**
   * Reserves a caller-ID for {@code request} (to, campaign, agent, and optionally deadline: the epoch ms
   * after which the caller has given up) from the campaign's pool (Redis resolves it). Succeeds with
   * caller_id, area_code, carrier, tier, reservation, reserved_for (the pool's TTL, s), pool; fails with a
   * {@link Bus.Failure} of 429 or 503.
   */
  public Future<JsonObject> allocate(JsonObject request) {
    long now = System.currentTimeMillis();
    long deadline = request.getLong("deadline", Long.MAX_VALUE);
    if (now > deadline) {
      return Future.failedFuture(new Bus.Failure(503, "no caller-ID available in time"));
    }
    CapWindows w = windowsAt(now);
    String agent = request.getString("agent");
    AllocateScript.Args args = new AllocateScript.Args(now, DEFAULT_POOL, ttlMs, w, agent, agentLimit,
      request.getString("campaign"), request.getString("to"), newAllocationId(now), RECLAIM_BATCH,
      request.getString("callkey"), request.getString("uid"), CALL_KEY_GRACE_MS);
    return AllocateScript.run(redis, args)
      .compose(reply -> {
        if (!(reply instanceof AllocateScript.Allocated allocated)) {
          return Future.failedFuture(failure(((AllocateScript.Refused) reply), request));
        }
        // A retry's reservation belongs to the first request: a late answer to the retry must not end it.
        JsonObject undo = allocated.repeat() ? null : undoOf(allocated, agent, w);
        if (System.currentTimeMillis() <= deadline) {
          return Future.succeededFuture(allocated(allocated, request, now, undo));
        }
        // Too late for the caller: take the allocation back (a retry's reservation is the first request's).
        Future<JsonObject> undone = undo == null ? Future.succeededFuture() : takeBack(undo, false);
        return undone.transform(ar -> Future.failedFuture(new Bus.Failure(503, "no caller-ID available in time")));
      });
  }

  /**
   * Takes back an allocation whose caller stopped waiting (Redis or the caller's event loop was slow) and
   * dials with its own caller-ID, so the number is neither held until its TTL nor counted for a call that
   * never used it. {@code undo} is what an allocation answer carries under "undo".
   */
  public Future<JsonObject> takeBack(JsonObject undo, boolean answered) {
    long now = System.currentTimeMillis();
    String callerId = undo.getString("caller_id");
    String reservation = undo.getString("reservation");
    UndoScript.Args args = new UndoScript.Args(callerId, reservation, undo.getLong("previous_last"), now,
      windowsAt(now), undo.getString("agent"), undo.getString("minute"));
    return UndoScript.run(redis, args)
      .map(undone -> {
        if (undone && answered) {
          history.add(HistoryEvent.released(reservation, callerId, now, "taken_back"));
        }
        return new JsonObject().put("taken_back", undone);
      });
  }

  private static JsonObject undoOf(AllocateScript.Allocated allocated, String agent, CapWindows allocationWindows) {
    return new JsonObject()
      .put("caller_id", allocated.callerId())
      .put("reservation", allocated.allocationId())
      .put("previous_last", allocated.previousLastUse())
      .put("agent", agent)
      .put("minute", allocationWindows.minuteId());
  }

  private JsonObject allocated(AllocateScript.Allocated allocated, JsonObject request, long now, JsonObject undo) {
    JsonObject result = new JsonObject()
      .put("caller_id", allocated.callerId())
      .put("area_code", allocated.areaCode())
      .put("carrier", allocated.carrier())
      .put("tier", allocated.tier())
      .put("reservation", allocated.allocationId())
      .put("reserved_for", allocated.ttlMs() / 1000)
      .put("pool", allocated.pool())
      .put("repeat", allocated.repeat())
      .put("undo", undo);
    if (!allocated.repeat()) {
      history.add(HistoryEvent.allocated(allocated.allocationId(), allocated.callerId(),
        request.getString("to"), request.getString("campaign"), request.getString("agent"),
        allocated.tier(), allocated.pool(), now,
        HistoryEvent.Call.of(request.getString("callkey"), request.getString("uid"))));
    }
    return result;
  }

  private Bus.Failure failure(AllocateScript.Refused refused, JsonObject request) {
    String pool = refused.pool();
    return switch (refused.reason()) {
      case RATE_LIMITED -> new Bus.Failure(429, "agent '" + request.getString("agent")
        + "' is over its limit of " + config.rateLimitPerAgent() + " caller-IDs per minute");
      case POOL_EMPTY -> new Bus.Failure(503, "no caller-ID available: pool '" + pool
        + "' has no active numbers");
      case ALL_RESERVED -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is on a live call");
      case ALL_CAPPED -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is at its hourly or daily cap");
      case ALL_RESERVED_OR_CAPPED -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is on a live call or at its hourly or daily cap");
      case NO_LOCAL_NUMBER -> new Bus.Failure(503, "no caller-ID available: pool '" + pool
        + "' has no number free in area code " + request.getString("to").substring(0, 3)
        + " and does not fall back to other area codes");
      case NOT_LOADED -> {
        // Redis lost its data (restart without persistence): rebuild it from PostgreSQL.
        vertx.eventBus().send(Bus.INVENTORY_RELOAD, new JsonObject());
        yield new Bus.Failure(503, "no caller-ID available: the inventory is being loaded into Redis");
      }
    };
  }

  /**
   * Ends the live reservation named by {@code request}: caller_id (and optionally its reservation), else the
   * call key (callkey or uid) an allocation stored; with the call's outcome (dialstatus, answered, cause) for
   * the history. Succeeds with caller_id and released; fails 404 for an unknown number or call key.
   */
  public Future<JsonObject> release(JsonObject request) {
    long now = System.currentTimeMillis();
    ReleaseScript.Args args = new ReleaseScript.Args(request.getString("caller_id"), now, windowsAt(now),
      request.getString("reservation"), request.getString("callkey"), request.getString("uid"));
    AllocationClient.Outcome outcome = new AllocationClient.Outcome(request.getString("dialstatus"),
      request.getInteger("answered"), request.getInteger("cause"));
    return ReleaseScript.run(redis, args)
      .map(reply -> released(reply, request, now, outcome));
  }

  private JsonObject released(ReleaseScript.Reply reply, JsonObject request, long now,
                              AllocationClient.Outcome outcome) {
    switch (reply.result()) {
      case RELEASED -> releasedCount.increment();
      case NOTHING_LIVE -> nothingLiveCount.increment();
      default -> unknownCount.increment();
    }
    if (reply.result() == ReleaseScript.Result.UNKNOWN_NUMBER) {
      String named = request.getString("caller_id") != null ? "caller_id " + request.getString("caller_id")
        : request.getString("callkey") != null ? "the number of callkey " + request.getString("callkey")
        : "the number of uid " + request.getString("uid");
      throw new Bus.Failure(404, named + " is not in the inventory");
    }
    if (reply.result() == ReleaseScript.Result.UNKNOWN_CALL) {
      throw new Bus.Failure(404, (request.getString("callkey") != null
        ? "callkey " + request.getString("callkey") : "uid " + request.getString("uid"))
        + ": no allocation known for this call (never allocated, or ended more than 15 minutes ago)");
    }
    boolean released = reply.result() == ReleaseScript.Result.RELEASED;
    if (released) {
      history.add(HistoryEvent.released(reply.allocationId(), reply.callerId(), now, "released", outcome));
    }
    return new JsonObject().put("caller_id", reply.callerId()).put("released", released);
  }

  /**
   * cidrotator_releases_total{outcome}: released, nothing_live (already released or expired: a hangup
   * handler after the TTL, or a second release) and unknown (no such number or call key). Set against
   * cidrotator_next_cid_seconds_count{outcome="ok"}, it shows calls that are never released.
   */
  private static Counter releaseCounter(String outcome) {
    return Counter.builder("cidrotator_releases")
      .description("Releases by outcome")
      .tag("outcome", outcome)
      .register(Metrics.registry());
  }

  public Future<JsonObject> reservationCount(JsonObject request) {
    return ReservationCountScript.run(redis, new ReservationCountScript.Args(System.currentTimeMillis()))
      .map(count -> new JsonObject().put("count", count));
  }

  public Future<JsonObject> ping(JsonObject request) {
    long start = System.nanoTime();
    return redis.send(Request.cmd(Command.PING))
      .map(reply -> new JsonObject().put("latency_us", (System.nanoTime() - start) / 1000));
  }

  private CapWindows windowsAt(long now) {
    CapWindows w = windows;
    if (w == null || !w.contains(now)) {
      w = CapWindows.at(now, config.timezone());
      windows = w;
    }
    return w;
  }

  private void flushHistory() {
    if (history.isEmpty()) {
      return;
    }
    HistoryBatch batch = new HistoryBatch(history);
    history = new ArrayList<>();
    vertx.eventBus().send(Bus.HISTORY_APPEND, batch);
    // The same batch, by reference, to the live streams: one publish per 100 ms, nothing per allocation.
    vertx.eventBus().publish(Bus.FEED, batch);
  }

  /**
   * A time-ordered UUID (version 7 layout: 48 bits of epoch ms, then random bits). Ids that grow with time
   * keep the history table's primary-key index appending at its end instead of splitting random pages.
   */
  static String newAllocationId(long nowMs) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (nowMs << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    flushHistory();
    return redis.close();
  }
}
