package io.cidrotator.allocation;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.redis.LuaScript;
import io.cidrotator.redis.ScriptRunner;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Allocation over one pipelined Redis connection: each request is one atomic Lua call. History is
 * batched here and handed to the admin verticle off the hot path. Owned by one verticle (one event loop).
 */
public final class Allocator {

  private static final List<String> KEYS = List.of(AllocatorVerticle.KEY_PREFIX);
  private static final String DEFAULT_POOL = "default";
  private static final int RECLAIM_BATCH = 8;
  private static final long HISTORY_FLUSH_MS = 100;
  /** A call key outlives its reservation this long: a hangup handler's release still finds the call. */
  private static final String CALL_KEY_GRACE_MS = Long.toString(15 * 60_000L);

  private final Vertx vertx;
  private final AppConfig config;
  private final String ttlMs;
  private final String agentLimit;
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
    this.ttlMs = Long.toString(config.reservationTtlSeconds() * 1000L);
    this.agentLimit = Integer.toString(config.rateLimitPerAgent());
    this.reservations = new LiveReservations(redis, config.timezone(), event -> history.add(event));
  }

  /** Connects to Redis and starts the history flush timer; call from the owning verticle's start(). */
  public Future<Void> start() {
    timer = vertx.setPeriodic(HISTORY_FLUSH_MS, id -> flushHistory());
    return redis.connect()
      .compose(v -> redis.loadScripts(LuaScript.ALLOCATE, LuaScript.RELEASE, LuaScript.UNDO, LuaScript.RESERVATIONS,
        LuaScript.LIVE_RESERVATIONS, LuaScript.RELEASE_CAMPAIGN));
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
    String to = request.getString("to");
    String campaign = Objects.requireNonNullElse(request.getString("campaign"), "");
    String agent = Objects.requireNonNullElse(request.getString("agent"), "");
    String id = newAllocationId(now);
    List<String> args = List.of(
      Long.toString(now), DEFAULT_POOL, to.substring(0, 3), ttlMs,
      w.hourId(), Long.toString(w.hourEnd()), w.dayId(), Long.toString(w.dayEnd()),
      agent, agentLimit, w.minuteId(),
      campaign, to, id, Integer.toString(RECLAIM_BATCH),
      Objects.requireNonNullElse(request.getString("callkey"), ""),
      Objects.requireNonNullElse(request.getString("uid"), ""),
      CALL_KEY_GRACE_MS);
    return redis.run(LuaScript.ALLOCATE, KEYS, args)
      .compose(reply -> {
        JsonObject undo = undoOf(reply, agent, w);
        if (System.currentTimeMillis() <= deadline || !"OK".equals(reply.get(0).toString())) {
          return Future.succeededFuture(allocated(reply, request, now, undo));
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
    CapWindows w = windowsAt(now);
    String callerId = undo.getString("caller_id");
    String reservation = undo.getString("reservation");
    List<String> args = List.of(callerId, reservation, undo.getString("previous_last"),
      Long.toString(now), w.hourId(), Long.toString(w.hourEnd()), w.dayId(), Long.toString(w.dayEnd()),
      undo.getString("agent"), undo.getString("minute"));
    return redis.run(LuaScript.UNDO, KEYS, args)
      .map(reply -> {
        boolean undone = reply.toLong() == 1;
        if (undone && answered) {
          history.add(HistoryEvent.released(reservation, callerId, now, "taken_back"));
        }
        return new JsonObject().put("taken_back", undone);
      });
  }

  private static JsonObject undoOf(Response reply, String agent, CapWindows allocationWindows) {
    // A retry's reservation belongs to the first request: a late answer to the retry must not end it.
    if (!"OK".equals(reply.get(0).toString()) || isRepeat(reply)) {
      return null;
    }
    return new JsonObject()
      .put("caller_id", reply.get(1).toString())
      .put("reservation", reply.get(5).toString())
      .put("previous_last", reply.get(6).toString())
      .put("agent", agent)
      .put("minute", allocationWindows.minuteId());
  }

  private JsonObject allocated(Response reply, JsonObject request, long now, JsonObject undo) {
    if (!"OK".equals(reply.get(0).toString())) {
      throw failure(reply.get(1).toString(), reply.get(2).toString(), request);
    }
    JsonObject result = new JsonObject()
      .put("caller_id", reply.get(1).toString())
      .put("area_code", reply.get(2).toString())
      .put("carrier", reply.get(3).toString())
      .put("tier", reply.get(4).toString())
      .put("reservation", reply.get(5).toString())
      .put("reserved_for", reply.get(8).toLong() / 1000)
      .put("pool", reply.get(7).toString())
      .put("repeat", isRepeat(reply))
      .put("undo", undo);
    if (!isRepeat(reply)) {
      history.add(HistoryEvent.allocated(result.getString("reservation"), result.getString("caller_id"),
        request.getString("to"), request.getString("campaign"), request.getString("agent"),
        result.getString("tier"), result.getString("pool"), now,
        HistoryEvent.Call.of(request.getString("callkey"), request.getString("uid"))));
    }
    return result;
  }

  /** The reply of a retry names the earlier allocation of the same call key; nothing new was counted. */
  private static boolean isRepeat(Response reply) {
    return reply.size() > 9 && "repeat".equals(reply.get(9).toString());
  }

  private Bus.Failure failure(String reason, String pool, JsonObject request) {
    return switch (reason) {
      case "rate_limited" -> new Bus.Failure(429, "agent '" + request.getString("agent")
        + "' is over its limit of " + config.rateLimitPerAgent() + " caller-IDs per minute");
      case "pool_empty" -> new Bus.Failure(503, "no caller-ID available: pool '" + pool
        + "' has no active numbers");
      case "all_reserved" -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is on a live call");
      case "all_capped" -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is at its hourly or daily cap");
      case "all_reserved_or_capped" -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is on a live call or at its hourly or daily cap");
      case "no_local_number" -> new Bus.Failure(503, "no caller-ID available: pool '" + pool
        + "' has no number free in area code " + request.getString("to").substring(0, 3)
        + " and does not fall back to other area codes");
      case "not_loaded" -> {
        // Redis lost its data (restart without persistence): rebuild it from PostgreSQL.
        vertx.eventBus().send(Bus.INVENTORY_RELOAD, new JsonObject());
        yield new Bus.Failure(503, "no caller-ID available: the inventory is being loaded into Redis");
      }
      default -> new Bus.Failure(500, "unexpected allocation reply " + reason);
    };
  }

  /**
   * Ends the live reservation named by {@code request}: caller_id (and optionally its reservation), else the
   * call key (callkey or uid) an allocation stored; with the call's outcome (dialstatus, answered, cause) for
   * the history. Succeeds with caller_id and released; fails 404 for an unknown number or call key.
   */
  public Future<JsonObject> release(JsonObject request) {
    long now = System.currentTimeMillis();
    CapWindows w = windowsAt(now);
    String callerId = Objects.requireNonNullElse(request.getString("caller_id"), "");
    String reservation = Objects.requireNonNullElse(request.getString("reservation"), "");
    List<String> args = List.of(callerId, Long.toString(now),
      w.hourId(), Long.toString(w.hourEnd()), w.dayId(), Long.toString(w.dayEnd()), reservation,
      Objects.requireNonNullElse(request.getString("callkey"), ""),
      Objects.requireNonNullElse(request.getString("uid"), ""));
    AllocationClient.Outcome outcome = new AllocationClient.Outcome(request.getString("dialstatus"),
      request.getInteger("answered"), request.getInteger("cause"));
    return redis.run(LuaScript.RELEASE, KEYS, args)
      .map(reply -> released(reply, request, now, outcome));
  }

  private JsonObject released(Response reply, JsonObject request, long now, AllocationClient.Outcome outcome) {
    long code = reply.get(0).toLong();
    (code == 1 ? releasedCount : code == 0 ? nothingLiveCount : unknownCount).increment();
    if (code == -1) {
      String named = request.getString("caller_id") != null ? "caller_id " + request.getString("caller_id")
        : request.getString("callkey") != null ? "the number of callkey " + request.getString("callkey")
        : "the number of uid " + request.getString("uid");
      throw new Bus.Failure(404, named + " is not in the inventory");
    }
    if (code == -2) {
      throw new Bus.Failure(404, (request.getString("callkey") != null
        ? "callkey " + request.getString("callkey") : "uid " + request.getString("uid"))
        + ": no allocation known for this call (never allocated, or ended more than 15 minutes ago)");
    }
    String callerId = reply.get(2).toString();
    if (code == 1) {
      history.add(HistoryEvent.released(reply.get(1).toString(), callerId, now, "released", outcome));
    }
    return new JsonObject().put("caller_id", callerId).put("released", code == 1);
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
    return redis.run(LuaScript.RESERVATIONS, KEYS, List.of(Long.toString(System.currentTimeMillis())))
      .map(reply -> new JsonObject().put("count", reply.toLong()));
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
