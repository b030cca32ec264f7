package io.cidrotator.metrics;

import io.cidrotator.http.Routes;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** {@code GET /metrics} (no credentials): the Prometheus text of {@link Metrics#registry()}. */
public final class MetricsRoutes implements Routes {

  @Override
  public void mount(Router router) {
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
  }
}
