package io.cidrotator.allocation;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.dialer.Allocation;
import io.cidrotator.dialer.AllocationRequest;
import io.cidrotator.dialer.CallIdentity;
import io.cidrotator.dialer.Allocations;
import io.cidrotator.dialer.ReleaseRequest;
import io.cidrotator.history.AllocatorHistory;
import io.cidrotator.history.HistoryEvent;
import io.cidrotator.inventory.InventoryClient;
import io.cidrotator.locality.CallingWindow;
import io.cidrotator.locality.Locality;
import io.cidrotator.locality.Place;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.pool.PoolClient;
import io.cidrotator.redis.AllocateScript;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.HistoryStream;
import io.cidrotator.redis.LiveReservationsScript;
import io.cidrotator.redis.ReleaseCampaignScript;
import io.cidrotator.redis.RedisUnavailableException;
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

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Allocation over one pipelined Redis connection: each request is one atomic Lua call, which also appends it to
 * the history stream ({@link io.cidrotator.redis.HistoryStream}). Owned by one verticle
 * (one event loop), which registers its {@link #handlers()}; {@code scripts/bench} also calls one in place, to
 * measure what the bus hop costs.
 */
public final class Allocator implements Bus.Handlers {

  private static final int RECLAIM_BATCH = 8;
  /**
   * The status of an allocation refused by the pool's calling window: its own, so a dialplan can tell it from a 503
   * (451, "unavailable for legal reasons": the windows are there for calling-hours rules).
   */
  public static final int OUTSIDE_CALLING_WINDOW = 451;
  /**
   * History events each allocator keeps in memory for a catch-up after Redis lost its history stream (about 35 s
   * of a full-rate load on two allocators).
   */
  private static final int RECENT_HISTORY = 50_000;

  private final AppConfig config;
  private final long ttlMs;
  private final ScriptRunner redis;
  private final AllocatorHistory history;
  private final KeptReleases kept;
  private final InventoryClient inventory;
  private final LiveReservations reservations;
  private final AllocationMeters meters = new AllocationMeters();
  private final Counter releasedCount = releaseCounter("released");
  private final Counter nothingLiveCount = releaseCounter("nothing_live");
  private final Counter unknownCount = releaseCounter("unknown");
  private final String id = UUID.randomUUID().toString();
  private CapWindows windows;

  public Allocator(Vertx vertx, AppConfig config, String owner) {
    this.config = config;
    this.redis = new ScriptRunner(vertx, config.redisEndpoints(), owner);
    this.ttlMs = config.reservationTtlSeconds() * 1000L;
    this.history = new AllocatorHistory(vertx, RECENT_HISTORY);
    // A reload of a million numbers takes about 25 s.
    this.inventory = new InventoryClient(vertx, 60_000);
    this.reservations = new LiveReservations(redis, config.timezone(), config.historyBufferSize(), history);
    this.kept = new KeptReleases(vertx, Metrics.registry(), this::applyKept);
    redis.onRestored(() -> {
      if (redis.reconciled()) {
        kept.applyAll();
      }
    });
    redis.onReconciled(kept::applyAll);
  }

  /** Connects to Redis and starts the live feed; call from the owning verticle's start(). */
  public Future<Void> start() {
    history.start();
    return redis.connect()
      .compose(v -> redis.loadScripts(AllocateScript.LUA, ReleaseScript.LUA, UndoScript.LUA,
        ReservationCountScript.LUA, LiveReservationsScript.LUA, ReleaseCampaignScript.LUA));
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.ALLOCATE, this::allocate,
      Bus.RELEASE, this::release,
      Bus.TAKE_BACK, undo -> takeBack(undo, true),
      Bus.RESERVATION_COUNT, this::reservationCount,
      Bus.RESERVATION_LIST, reservations::list,
      Bus.RESERVATION_RELEASE_CAMPAIGN, reservations::releaseCampaign,
      Bus.REDIS_PING, this::ping);
  }

  /**
   * Reserves a caller-ID for an {@link AllocationRequest#toJson()} body with its {@code deadline} ({@link Deadline};
   * absent: none) from the campaign's pool (Redis resolves it). Succeeds with caller_id, area_code, carrier, tier,
   * reservation, reserved_for (the pool's TTL, s), pool, repeat and undo (what a take-back needs; null for a
   * retry's answer); fails with a {@link Bus.Failure} of 429 or 503.
   */
  public Future<JsonObject> allocate(JsonObject body) {
    long now = System.currentTimeMillis();
    if (Deadline.passed(body, now)) {
      return Future.failedFuture(new Bus.Failure(503, "no caller-ID available in time"));
    }
    return whenReconciled(() -> allocate(body, now), this::reconciling);
  }

  /**
   * {@code work} once Redis is known reconciled (asked again now when it was not); else fails with {@code otherwise}.
   * Not connected: {@code work} itself, which fails fast with Redis unavailable.
   */
  private <T> Future<T> whenReconciled(Supplier<Future<T>> work, Supplier<Throwable> otherwise) {
    if (redis.reconciled() || !redis.connected()) {
      return work.get();
    }
    return redis.checkReconciled()
      .compose(whole -> whole ? work.get() : Future.failedFuture(otherwise.get()));
  }

  private Future<JsonObject> allocate(JsonObject body, long now) {
    AllocationRequest request = AllocationRequest.fromJson(body);
    CapWindows w = windowsAt(now);
    // Where the callee is: the tiers looked in, and its local time for the pool's calling window (Redis reads both).
    Place callee = Locality.nanp().of(request.destination().digits());
    AllocateScript.Args args = new AllocateScript.Args(now, PoolClient.DEFAULT_POOL, ttlMs, w, request.agent(),
      config.rateLimitPerAgent(), request.campaign(), request.destination().digits(), newAllocationId(now),
      RECLAIM_BATCH, request.callKey(), request.uid(), CallIdentity.KEY_GRACE_MS, config.historyBufferSize(),
      callee, callee == null ? List.of() : CallingWindow.localMinutes(callee.zones(), Instant.ofEpochMilli(now)));
    return AllocateScript.run(redis, args)
      .compose(reply -> {
        if (!(reply instanceof AllocateScript.Allocated allocated)) {
          meters.refused((AllocateScript.Refused) reply, request.destination().areaCode());
          return Future.failedFuture(failure((AllocateScript.Refused) reply, request));
        }
        meters.allocated(allocated, request.destination().areaCode());
        // A retry's reservation belongs to the first request: a late answer to the retry must not end it.
        JsonObject undo = allocated.repeat() ? null : undoOf(allocated, request.agent(), w);
        if (!Deadline.passed(body, System.currentTimeMillis())) {
          return Future.succeededFuture(allocated(allocated, request, now, undo));
        }
        // Too late for the caller, who dials with its own caller-ID: take the allocation back.
        Future<JsonObject> undone = undo == null ? Future.succeededFuture() : takeBack(undo, false);
        return undone.transform(ar -> Future.failedFuture(new Bus.Failure(503, "no caller-ID available in time")));
      });
  }

  /**
   * Redis is another server than the one the index was made whole on (a failover, a restart from a snapshot): its
   * data may lack the last writes before the change (a reservation, a count), so nothing is allocated from it until
   * the admin verticle has reconciled it with the history in PostgreSQL (asked here; it also starts by itself).
   */
  private Bus.Failure reconciling() {
    inventory.reloadMissingIndex();
    return new Bus.Failure(503, "no caller-ID available: Redis changed servers (a failover or a restart), its "
      + "state is being reconciled with PostgreSQL");
  }

  /**
   * Takes back an allocation whose caller stopped waiting ({@link Deadline}), so the number is neither held until
   * its TTL nor counted for a call that never used it. {@code undo} is what an allocation answer carries under
   * "undo"; {@code answered}: the allocation was answered (late), so its history records the take-back; otherwise
   * no caller ever had it, and it leaves the history.
   */
  private Future<JsonObject> takeBack(JsonObject undo, boolean answered) {
    long now = System.currentTimeMillis();
    String callerId = undo.getString("caller_id");
    String reservation = undo.getString("reservation");
    UndoScript.Args args = new UndoScript.Args(callerId, reservation, undo.getLong("previous_last"), now,
      windowsAt(now), undo.getString("agent"), undo.getString("minute"), answered, config.historyBufferSize());
    return UndoScript.run(redis, args)
      .map(undone -> {
        if (undone.undone() && answered) {
          history.add(HistoryEvent.released(reservation, callerId, now, "taken_back"), undone.historyEntry());
        }
        return new JsonObject().put("taken_back", undone.undone());
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

  private JsonObject allocated(AllocateScript.Allocated allocated, AllocationRequest request, long now,
                               JsonObject undo) {
    if (!allocated.repeat()) {
      history.add(HistoryEvent.allocated(allocated.allocationId(), allocated.callerId(),
        request.destination().digits(), request.campaign(), request.agent(), allocated.tier(), allocated.pool(), now,
        now + allocated.ttlMs(), HistoryEvent.Call.of(request.callKey(), request.uid())), allocated.historyEntry());
    }
    return new Allocation(allocated.callerId(), allocated.areaCode(), allocated.carrier(), allocated.tier(),
      allocated.allocationId(), allocated.ttlMs() / 1000, allocated.pool(), allocated.repeat())
      .toJson()
      .put("undo", undo);
  }

  /** The callee's local time now, in each of its zones: {@code 21:14 (America/New_York)}. */
  private static String calleeTime(AllocationRequest request) {
    Place callee = Locality.nanp().of(request.destination().digits());
    List<ZoneId> zones = callee == null ? List.of() : callee.zones();
    List<Integer> minutes = CallingWindow.localMinutes(zones, Instant.now());
    List<String> times = new ArrayList<>();
    for (int i = 0; i < zones.size(); i++) {
      times.add(CallingWindow.clock(minutes.get(i)) + " (" + zones.get(i).getId() + ")");
    }
    return String.join(", ", times);
  }

  private Bus.Failure failure(AllocateScript.Refused refused, AllocationRequest request) {
    String pool = refused.pool();
    return switch (refused.reason()) {
      case RATE_LIMITED -> new Bus.Failure(429, "agent '" + request.agent()
        + "' is over its limit of " + config.rateLimitPerAgent() + " caller-IDs per minute");
      case POOL_EMPTY -> new Bus.Failure(503, "no caller-ID available: pool '" + pool
        + "' has no active numbers");
      case ALL_RESERVED -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is on a live call");
      case ALL_CAPPED -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is at its hourly or daily cap");
      case ALL_RESERVED_OR_CAPPED -> new Bus.Failure(503, "no caller-ID available: every number of pool '"
        + pool + "' is on a live call or at its hourly or daily cap");
      case OUTSIDE_CALLING_WINDOW -> new Bus.Failure(OUTSIDE_CALLING_WINDOW, "pool '" + pool
        + "' calls between " + CallingWindow.fromMinutes(refused.detail()) + " in the callee's local time, and it is "
        + calleeTime(request) + " there: nothing reserved");
      case NO_LOCAL_NUMBER -> new Bus.Failure(503, "no caller-ID available (no_local_number): pool '" + pool
        + "' has no number free for area code " + request.destination().areaCode() + " in its tiers ("
        + refused.detail() + ") and looks no further");
      case NOT_LOADED -> {
        // Redis lost its data (restart without persistence): the admin verticle rebuilds it from PostgreSQL.
        inventory.reloadMissingIndex();
        yield new Bus.Failure(503, "no caller-ID available: the inventory is being loaded into Redis");
      }
    };
  }

  /**
   * Ends the live reservation a {@link ReleaseRequest#toJson()} body names, with the call's end for the history.
   * Succeeds with caller_id and released; fails 404 for an unknown number or call key.
   */
  public Future<JsonObject> release(JsonObject body) {
    long now = System.currentTimeMillis();
    ReleaseRequest request = ReleaseRequest.fromJson(body);
    // Not reconciled yet: the reservation it ends may be one the reconciliation brings back: kept, applied after it.
    return whenReconciled(() -> release(request, now), () -> keep(request, now));
  }

  private Future<JsonObject> release(ReleaseRequest request, long now) {
    ReleaseScript.Args args = new ReleaseScript.Args(request.callerId(), now, windowsAt(now), request.reservation(),
      request.callKey(), request.uid(), request.end(), config.historyBufferSize());
    // One stage, not a recover and a map: this is half of the dialers' requests.
    return ReleaseScript.run(redis, args)
      .transform(ar -> ar.succeeded() ? Future.succeededFuture(released(ar.result(), request, now))
        : Future.failedFuture(ar.cause() instanceof RedisUnavailableException ? keep(request, now) : ar.cause()));
  }

  /** Keeps a release that came while Redis is unreachable ({@link KeptReleases}); the 503 it answers says so. */
  private Bus.Failure keep(ReleaseRequest request, long now) {
    if (!kept.keep(request, now)) {
      return new Bus.Failure(503, "Redis is unavailable, and " + KeptReleases.CAPACITY + " releases already wait "
        + "for it: this one is not kept (the number stays reserved until its TTL)");
    }
    return new Bus.Failure(503, "Redis is unavailable: the release is kept and applied when Redis is back");
  }

  /**
   * Applies a release kept while Redis was unreachable, asked at {@code askedAt}; not before Redis is known
   * reconciled: the reconciliation may bring back the reservation it ends (and a merge still running on another
   * node must find the index as the history left it).
   */
  private Future<KeptReleases.Applied> applyKept(ReleaseRequest request, long askedAt) {
    if (!redis.reconciled()) {
      return Future.succeededFuture(KeptReleases.Applied.REDIS_DOWN);
    }
    long now = System.currentTimeMillis();
    ReleaseScript.Args args = new ReleaseScript.Args(request.callerId(), now, windowsAt(now), request.reservation(),
      request.callKey(), request.uid(), request.end(), config.historyBufferSize(), askedAt);
    return ReleaseScript.run(redis, args)
      .map(reply -> switch (reply.result()) {
        case RELEASED -> {
          releasedCount.increment();
          meters.released(request.end());
          history.add(HistoryEvent.released(reply.allocationId(), reply.callerId(), askedAt, "released",
            request.end()), reply.historyEntry());
          yield KeptReleases.Applied.DONE;
        }
        case NOTHING_LIVE -> {
          nothingLiveCount.increment();
          yield KeptReleases.Applied.DONE;
        }
        // Redis came back empty: the number or its call key is back once the rebuild reaches it.
        case UNKNOWN_NUMBER, UNKNOWN_CALL -> KeptReleases.Applied.NOT_YET;
      })
      .recover(e -> e instanceof RedisUnavailableException ? Future.succeededFuture(KeptReleases.Applied.REDIS_DOWN)
        : Future.failedFuture(e));
  }

  private JsonObject released(ReleaseScript.Reply reply, ReleaseRequest request, long now) {
    switch (reply.result()) {
      case RELEASED -> {
        releasedCount.increment();
        meters.released(request.end());
        history.add(HistoryEvent.released(reply.allocationId(), reply.callerId(), now, "released", request.end()),
          reply.historyEntry());
      }
      case NOTHING_LIVE -> nothingLiveCount.increment();
      case UNKNOWN_NUMBER -> {
        unknownCount.increment();
        throw new Bus.Failure(404, (request.callerId() != null ? "" : "the number of ") + request.naming()
          + " is not in the inventory");
      }
      case UNKNOWN_CALL -> {
        unknownCount.increment();
        throw new Bus.Failure(404, request.naming()
          + ": no allocation known for this call (never allocated, or ended more than 15 minutes ago)");
      }
    }
    return new Allocations.Release(reply.callerId(), reply.result() == ReleaseScript.Result.RELEASED).toJson();
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

  private Future<JsonObject> reservationCount(JsonObject request) {
    return ReservationCountScript.run(redis, new ReservationCountScript.Args(System.currentTimeMillis()))
      .map(count -> new JsonObject().put("count", count));
  }

  /**
   * The health check's look at Redis through this allocator's own connection: how long INFO took, and what the old
   * tool's /health showed of it (clients connected, memory used as Redis words it, uptime).
   */
  private Future<JsonObject> ping(JsonObject request) {
    long start = System.nanoTime();
    return redis.send(Request.cmd(Command.INFO))
      .map(reply -> {
        JsonObject ping = new JsonObject().put("latency_us", (System.nanoTime() - start) / 1000);
        for (String line : reply.toString().split("\r?\n")) {
          int colon = line.indexOf(':');
          String name = colon < 0 ? "" : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1).trim();
          switch (name) {
            case "connected_clients" -> ping.put("connected_clients", Long.parseLong(value));
            case "used_memory_human" -> ping.put("used_memory", value);
            case "uptime_in_seconds" -> ping.put("uptime_seconds", Long.parseLong(value));
            default -> { }
          }
        }
        return ping;
      });
  }

  /** This allocator's id: one per instance. */
  public String id() {
    return id;
  }

  /** The history events this allocator answered that are not known written to PostgreSQL yet, oldest first. */
  public List<HistoryEvent> unwrittenHistory() {
    return history.unwritten();
  }

  /** The history stream entry of the last of {@link #unwrittenHistory()}; null when there is none. */
  public HistoryStream.EntryId lastUnwrittenHistory() {
    return history.lastUnwritten();
  }

  /** The history writer wrote the history stream up to {@code entry}. */
  public void historyWritten(HistoryStream.EntryId entry) {
    history.written(entry);
  }

  private CapWindows windowsAt(long now) {
    CapWindows w = windows;
    if (w == null || !w.contains(now)) {
      w = CapWindows.at(now, config.timezone());
      windows = w;
    }
    return w;
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
    history.stop();
    kept.stop();
    return redis.close();
  }
}
