package io.cidrotator.metrics;

import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.function.Supplier;

/**
 * {@code GET /metrics} (no credentials): the Prometheus text of {@link Metrics#registry()}, once {@code refresh} has
 * read the gauges that need I/O afresh (the pool gauges, the dependencies' checks; each bounded by its own timeout:
 * a gauge not read in time keeps its last value).
 */
public final class MetricsRoutes implements Routes {

  private final Supplier<Future<?>> refresh;

  public MetricsRoutes(Supplier<Future<?>> refresh) {
    this.refresh = refresh;
  }

  @Override
  public void mount(Router router) {
    router.get("/metrics")
      .handler(ctx -> refresh.get().onComplete(done -> ctx.next()))
      .handler(PrometheusScrapingHandler.create());
  }
}
