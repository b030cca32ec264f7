package io.cidrotator.coverage;

import io.cidrotator.auth.Access;
import io.cidrotator.csv.CsvLines;
import io.cidrotator.http.CsvDownload;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/coverage?pool=&days=} (viewer): per destination area code, the pool's demand, its local supply by
 * tier and the numbers to buy ({@link Coverage}); {@code GET /api/coverage/export} the same as CSV.
 */
public final class CoverageRoutes implements Routes {

  static final int MAX_DAYS = 31;
  private static final Set<String> PARAMS = Set.of("pool", "days");
  private static final String[] COLUMNS = {"area_code", "region", "demand", "served_in_area_code", "outside_share",
    "peak_hour", "peak_hour_allocations", "mean_hold_seconds", "numbers_in_area_code", "numbers_in_overlay",
    "numbers_in_state", "numbers_in_time_zone", "local_hourly_capacity", "headroom_at_peak", "numbers_to_buy"};

  private final CoverageClient coverage;
  private final Access access;

  public CoverageRoutes(Vertx vertx, Access access) {
    this.coverage = new CoverageClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/coverage").handler(access.viewer()).respond(this::report);
    router.get("/api/coverage/export").handler(access.viewer()).handler(this::export);
  }

  private Future<JsonObject> report(RoutingContext ctx) {
    Input.onlyParams(ctx.queryParams(), PARAMS);
    return coverage.coverage(pool(ctx), days(ctx));
  }

  private void export(RoutingContext ctx) {
    Input.onlyParams(ctx.queryParams(), PARAMS);
    String pool = pool(ctx);
    int days = days(ctx);
    CsvDownload.send(ctx, "coverage-" + pool + "-" + days + "d.csv", coverage.coverage(pool, days)
      .map(report -> new CsvDownload.Page(csv(report), null)));
  }

  private static String pool(RoutingContext ctx) {
    String pool = Input.poolName("pool", ctx.request().getParam("pool"));
    return pool == null ? "default" : pool;
  }

  /** {@code days}: 1 to {@value #MAX_DAYS}, 7 when absent. */
  private static int days(RoutingContext ctx) {
    return Input.integer("days", ctx.request().getParam("days"), 7, 1, MAX_DAYS);
  }

  private static String csv(JsonObject report) {
    List<String[]> lines = new ArrayList<>();
    lines.add(COLUMNS);
    report.getJsonArray("items").forEach(element -> {
      JsonObject item = (JsonObject) element;
      JsonObject supply = item.getJsonObject("supply");
      lines.add(new String[] {item.getString("area_code"), item.getString("region"), text(item.getValue("demand")),
        text(item.getValue("served_in_area_code")), text(item.getValue("outside_share")), item.getString("peak_hour"),
        text(item.getValue("peak_hour_allocations")), text(item.getValue("mean_hold_seconds")),
        text(supply.getValue("area_code")), text(supply.getValue("overlay")), text(supply.getValue("state")),
        text(supply.getValue("time_zone")), text(item.getValue("local_hourly_capacity")),
        text(item.getValue("headroom_at_peak")), text(item.getValue("numbers_to_buy"))});
    });
    return CsvLines.write(lines);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
