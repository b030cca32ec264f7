package io.cidrotator.history;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the dashboard's chart messages and a number's history. */
public final class ChartClient {

  private final Bus.Sender bus;

  public ChartClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /** {@code {hours: [UTC hour starts], series: [{campaign, counts}]}} for the last {@code hours} hours. */
  public Future<JsonObject> allocationsPerHour(int hours) {
    return bus.request(Bus.CHART_ALLOCATIONS, new JsonObject().put("hours", hours));
  }

  /** {@code {items: [{area_code, demand, fallbacks, local_numbers}]}}, the most demanded first, at most 100. */
  public Future<JsonObject> areaCodes(int hours) {
    return bus.request(Bus.CHART_AREA_CODES, new JsonObject().put("hours", hours));
  }

  /** {@code {items: [{caller_id, uses_today, daily_limit, hourly_limit}]}}, the most used today first. */
  public Future<JsonObject> usageToday(int limit) {
    return bus.request(Bus.CHART_USAGE_TODAY, new JsonObject().put("limit", limit));
  }

  /**
   * {@code {items: [{campaign, live_calls, allocations_last_minute, not_local_last_minute}]}}: each campaign's load
   * now, the busiest first.
   */
  public Future<JsonObject> campaigns() {
    return bus.request(Bus.CHART_CAMPAIGNS, new JsonObject());
  }

  /** {@code {items}}: the number's last {@code limit} allocations, newest first; fails 404 for an unknown number. */
  public Future<JsonObject> history(String callerId, int limit) {
    return bus.request(Bus.CALLER_ID_HISTORY, new JsonObject().put("caller_id", callerId).put("limit", limit));
  }

}
