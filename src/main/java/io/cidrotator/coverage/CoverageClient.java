package io.cidrotator.coverage;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the coverage report's messages. */
public final class CoverageClient {

  private final Bus.Sender bus;

  public CoverageClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /**
   * {@code {pool, days, since, hourly_cap_per_new_number, items: [{area_code, region, demand, served_in_area_code,
   * outside_share, peak_hour, peak_hour_allocations, mean_hold_seconds, supply: {area_code, overlay, state,
   * time_zone}, local_hourly_capacity, headroom_at_peak, numbers_to_buy}]}}, most numbers to buy first; fails 404
   * for an unknown pool.
   */
  public Future<JsonObject> coverage(String pool, int days) {
    return bus.request(Bus.COVERAGE, new JsonObject().put("pool", pool).put("days", days));
  }
}
