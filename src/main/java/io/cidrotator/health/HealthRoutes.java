package io.cidrotator.health;

import io.cidrotator.http.Routes;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /health} (no credentials): 200 when PostgreSQL and Redis answer, else 503, in the old tool's shape. */
public final class HealthRoutes implements Routes {

  private final DependencyHealth health;

  public HealthRoutes(DependencyHealth health) {
    this.health = health;
  }

  @Override
  public void mount(Router router) {
    router.get("/health").handler(this::health);
  }

  private void health(RoutingContext ctx) {
    health.check()
      .onSuccess(report -> ctx.response().setStatusCode(report.up() ? 200 : 503))
      .onSuccess(report -> ctx.json(report.body()))
      .onFailure(ctx::fail);
  }
}
