package io.cidrotator.history;

import io.cidrotator.auth.Access;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What the dashboard reads besides the live stream: {@code /api/charts/*} from the allocation history,
 * and {@code /api/caller-ids/{caller_id}/history}. Viewer role; parameters are checked here (400 naming one).
 */
public final class ChartRoutes implements Routes {

  private final ChartClient charts;
  private final Access access;

  public ChartRoutes(Vertx vertx, Access access) {
    this.charts = new ChartClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/charts/allocations").handler(access.viewer()).respond(this::allocations);
    router.get("/api/charts/area-codes").handler(access.viewer()).respond(this::areaCodes);
    router.get("/api/charts/usage-today").handler(access.viewer()).respond(this::usageToday);
    router.get("/api/charts/campaigns").handler(access.viewer()).respond(ctx -> charts.campaigns());
    router.get("/api/caller-ids/:caller_id/history").handler(access.viewer()).respond(this::history);
  }

  private Future<JsonObject> allocations(RoutingContext ctx) {
    return charts.allocationsPerHour(hours(ctx));
  }

  private Future<JsonObject> areaCodes(RoutingContext ctx) {
    return charts.areaCodes(hours(ctx));
  }

  private Future<JsonObject> usageToday(RoutingContext ctx) {
    return charts.usageToday(Input.integer("limit", ctx.request().getParam("limit"), 50, 1, 500));
  }

  private Future<JsonObject> history(RoutingContext ctx) {
    String callerId = Input.number("caller_id", ctx.pathParam("caller_id")).digits();
    return charts.history(callerId, Input.integer("limit", ctx.request().getParam("limit"), 20, 1, 200));
  }

  /** {@code hours}: 1 to 168 (a week), 24 when absent. */
  private static int hours(RoutingContext ctx) {
    return Input.integer("hours", ctx.request().getParam("hours"), 24, 1, 168);
  }
}
