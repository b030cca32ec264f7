package io.cidrotator.stats;

import io.cidrotator.allocation.AllocationClient;
import io.cidrotator.auth.Access;
import io.cidrotator.health.DependencyHealth;
import io.cidrotator.http.Routes;
import io.cidrotator.inventory.InventoryClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.time.Instant;
import java.time.ZoneId;

/**
 * What this server has been doing, for a viewer: {@code GET /api/stats} (the old tool's counts of the last hour)
 * and {@code GET /api/live} (the dashboard's stream of stats and allocations, {@link LiveStream}).
 */
public final class StatsRoutes implements Routes {

  private final Access access;
  private final RequestStats stats;
  private final InventoryClient inventory;
  private final AllocationClient allocation;
  private final ZoneId timezone;
  private final LiveStream.Sources live;

  /** Call on the router verticle's context: the recent feed events are kept from then on. */
  public StatsRoutes(Vertx vertx, Access access, RequestStats stats, AllocationClient allocation,
                     DependencyHealth health, ZoneId timezone) {
    this.access = access;
    this.stats = stats;
    this.inventory = new InventoryClient(vertx, ADMIN_TIMEOUT_MS);
    this.allocation = allocation;
    this.timezone = timezone;
    this.live = new LiveStream.Sources(vertx, stats, inventory, allocation, health, new RecentFeed(vertx), timezone);
  }

  @Override
  public void mount(Router router) {
    router.get("/api/stats").handler(access.viewer()).respond(ctx -> stats());
    router.get("/api/live").handler(access.viewer()).handler(ctx -> LiveStream.open(live, ctx));
  }

  /**
   * total_caller_ids, active_caller_ids, active_reservations, requests_last_hour, ... as the old tool named them, and
   * the server's TIMEZONE (the one its caps' days and the dashboard's times are in).
   */
  private Future<JsonObject> stats() {
    return Future.all(inventory.counts(), allocation.reservationCount())
      .map(all -> {
        JsonObject counts = all.resultAt(0);
        Long reservations = all.resultAt(1);
        return new JsonObject()
          .put("total_caller_ids", counts.getLong("total"))
          .put("active_caller_ids", counts.getLong("active"))
          .put("active_reservations", reservations)
          .put("number_health", counts.getJsonObject("health"))
          .mergeIn(stats.lastHour())
          .put("timezone", timezone.getId())
          .put("timestamp", Instant.now().toString());
      });
  }
}
