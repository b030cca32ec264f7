package io.cidrotator.metrics;

import io.cidrotator.Bus;
import io.cidrotator.http.Routes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * {@code GET /metrics} (no credentials): the Prometheus text of {@link Metrics#registry()}. The pool gauges are read
 * afresh first (from PostgreSQL and Redis, through the admin verticle); should that take over a second, the scrape
 * answers with their last values ({@code cidrotator_pool_gauges_updated_seconds} says how old).
 */
public final class MetricsRoutes implements Routes {

  static final long GAUGES_TIMEOUT_MS = 1_000;

  private final Bus.Sender bus;

  public MetricsRoutes(Vertx vertx) {
    this.bus = new Bus.Sender(vertx, GAUGES_TIMEOUT_MS);
  }

  @Override
  public void mount(Router router) {
    router.get("/metrics")
      .handler(ctx -> bus.request(Bus.POOL_GAUGES, new JsonObject()).onComplete(done -> ctx.next()))
      .handler(PrometheusScrapingHandler.create());
  }
}
