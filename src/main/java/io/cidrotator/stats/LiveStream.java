package io.cidrotator.stats;

import io.cidrotator.Bus;
import io.cidrotator.allocation.AllocationClient;
import io.cidrotator.health.DependencyHealth;
import io.cidrotator.history.HistoryBatch;
import io.cidrotator.history.HistoryEvent;
import io.cidrotator.inventory.InventoryClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/**
 * One {@code GET /api/live} stream (Server-Sent Events over a chunked response, read by the dashboard
 * with fetch(), since EventSource cannot send the Authorization header): the last events this server published
 * ({@link RecentFeed}), a {@code stats} event at once and every 2 s, an {@code allocation} or {@code release} event
 * per history event the allocators publish on
 * {@link Bus#FEED}, at most {@value #FEED_EVENTS_PER_SECOND} a second (the rest are counted in the next
 * stats' {@code dropped}), and a keepalive comment every 15 s. Everything it holds ends with the connection.
 */
final class LiveStream {

  static final int FEED_EVENTS_PER_SECOND = 50;
  private static final long STATS_EVERY_MS = 2000;
  private static final long KEEPALIVE_EVERY_MS = 15_000;

  /** What every stream of one router reads its stats from. */
  record Sources(Vertx vertx, RequestStats stats, InventoryClient inventory, AllocationClient allocation,
                 DependencyHealth health, RecentFeed recent, ZoneId timezone) {
  }

  private final Sources sources;
  private final HttpServerResponse response;
  private MessageConsumer<HistoryBatch> feed;
  private long statsTimer;
  private long keepaliveTimer;
  private long second;
  private int sentThisSecond;
  private long dropped;
  private boolean closed;

  private LiveStream(Sources sources, HttpServerResponse response) {
    this.sources = sources;
    this.response = response;
  }

  /** The route handler: answers the stream on {@code ctx} (authenticated before). */
  static void open(Sources sources, RoutingContext ctx) {
    new LiveStream(sources, ctx.response()).start();
  }

  private void start() {
    response.setChunked(true)
      .putHeader("Content-Type", "text/event-stream")
      .putHeader("Cache-Control", "no-store")
      .putHeader("X-Accel-Buffering", "no");
    response.closeHandler(v -> close());
    response.exceptionHandler(e -> close());
    sources.stats().liveStreamOpened();
    feed = sources.vertx().eventBus().consumer(Bus.FEED, msg -> forward(msg.body()));
    sources.recent().events().forEach(this::send);
    sendStats();
    statsTimer = sources.vertx().setPeriodic(STATS_EVERY_MS, id -> sendStats());
    keepaliveTimer = sources.vertx().setPeriodic(KEEPALIVE_EVERY_MS, id -> write(": keepalive\n\n"));
  }

  private void sendStats() {
    Future.all(
        sources.inventory().counts().otherwise((JsonObject) null),
        sources.allocation().reservationCount().otherwise((Long) null),
        sources.health().check().map(DependencyHealth.Report::body).otherwise((JsonObject) null))
      .onSuccess(all -> {
        JsonObject counts = all.resultAt(0);
        Long reserved = all.resultAt(1);
        JsonObject health = all.resultAt(2);
        JsonObject numbers = new JsonObject()
          .put("total", counts == null ? null : counts.getLong("total"))
          .put("active", counts == null ? null : counts.getLong("active"))
          .put("reserved", reserved)
          .put("health", counts == null ? null : counts.getJsonObject("health"));
        JsonObject event = new JsonObject()
          .put("at", Instant.now().toString())
          .put("timezone", sources.timezone().getId())
          .put("numbers", numbers)
          .mergeIn(sources.stats().lastMinute())
          .put("health", health(health))
          .put("dropped", dropped);
        dropped = 0;
        write(event("stats", event));
      });
  }

  private static JsonObject health(JsonObject report) {
    boolean database = report != null && report.getBoolean("database_connected", false);
    boolean redis = report != null && report.getJsonObject("redis").getBoolean("connected", false);
    return new JsonObject()
      .put("database", database ? "up" : "down")
      .put("redis", redis ? "up" : "down");
  }

  private void forward(HistoryBatch batch) {
    long now = System.currentTimeMillis() / 1000;
    if (now != second) {
      second = now;
      sentThisSecond = 0;
    }
    for (HistoryEvent event : batch.events()) {
      // A slow reader is treated like a busy second: its events are dropped, not queued without bound.
      if (closed || sentThisSecond >= FEED_EVENTS_PER_SECOND || response.writeQueueFull()) {
        dropped++;
        continue;
      }
      sentThisSecond++;
      send(event);
    }
  }

  private void send(HistoryEvent event) {
    write(event.type() == HistoryEvent.Type.ALLOCATED
      ? event("allocation", allocation(event))
      : event("release", release(event)));
  }

  private static JsonObject allocation(HistoryEvent event) {
    return new JsonObject()
      .put("caller_id", event.callerId())
      .put("area_code", event.areaCode())
      .put("campaign", event.campaign())
      .put("tier", event.tier())
      .put("pool", event.pool())
      .put("at", Instant.ofEpochMilli(event.at()).toString());
  }

  private static JsonObject release(HistoryEvent event) {
    Long allocatedAt = allocatedAt(event.id());
    return new JsonObject()
      .put("caller_id", event.callerId())
      .put("at", Instant.ofEpochMilli(event.at()).toString())
      .put("hold_seconds", allocatedAt == null ? null : Math.max(0, event.at() - allocatedAt) / 1000.0)
      .put("outcome", event.outcome());
  }

  /** The allocation time inside an allocation id (a UUID v7: the top 48 bits are epoch ms); null otherwise. */
  static Long allocatedAt(String id) {
    try {
      UUID uuid = UUID.fromString(id);
      return uuid.version() == 7 ? uuid.getMostSignificantBits() >>> 16 : null;
    } catch (IllegalArgumentException | NullPointerException e) {
      return null;
    }
  }

  private static String event(String name, JsonObject data) {
    return "event: " + name + "\ndata: " + data.encode() + "\n\n";
  }

  private void write(String chunk) {
    if (!closed) {
      response.write(chunk);
    }
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    sources.vertx().cancelTimer(statsTimer);
    sources.vertx().cancelTimer(keepaliveTimer);
    feed.unregister();
    sources.stats().liveStreamClosed();
  }
}
