package io.cidrotator.health;

import io.cidrotator.http.Routes;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;

/**
 * No credentials. {@code GET /health}, readiness in the old tool's shape: 200 while allocation works (status
 * {@code healthy}, or {@code degraded} without PostgreSQL), 503 when it cannot (Redis down): what a load balancer
 * asks. {@code GET /health/live}, liveness: 200 while the server's event loops answer, whatever its dependencies
 * do: what a supervisor that restarts the process asks (restarting does not bring Redis back).
 */
public final class HealthRoutes implements Routes {

  private final DependencyHealth health;

  public HealthRoutes(DependencyHealth health) {
    this.health = health;
  }

  @Override
  public void mount(Router router) {
    router.get("/health").handler(this::health);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject()
      .put("status", "alive")
      .put("timestamp", Instant.now().toString())));
  }

  private void health(RoutingContext ctx) {
    health.check()
      .onSuccess(report -> ctx.response().setStatusCode(report.up() ? 200 : 503))
      .onSuccess(report -> ctx.json(report.body()))
      .onFailure(ctx::fail);
  }
}
