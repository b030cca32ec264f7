package io.cidrotator.health;

import io.cidrotator.Bus;
import io.cidrotator.allocation.AllocationClient;
import io.cidrotator.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Health of the two dependencies, through the verticles that own them (so a check proves the whole
 * path works): PostgreSQL through the admin verticle ({@link DatabasePing}), Redis through an allocator. In the
 * old tool's JSON shape plus the per-check detail of vertx-health-check.
 */
public final class DependencyHealth {

  static final long CHECK_TIMEOUT_MS = 1000;
  /** What the last check of this JVM found: 1 up, 0 down, -1 not checked yet. */
  private static final AtomicInteger DATABASE_UP = new AtomicInteger(-1);
  private static final AtomicInteger REDIS_UP = new AtomicInteger(-1);

  private final HealthChecks checks;
  private final String version;

  public DependencyHealth(Vertx vertx, AllocationClient allocation, String version) {
    this.version = version;
    // In the registry of this Vert.x (a test JVM makes several one after the other), once.
    upGauge(Metrics.registry(), "postgresql", DATABASE_UP);
    upGauge(Metrics.registry(), "redis", REDIS_UP);
    Bus.Sender bus = new Bus.Sender(vertx, CHECK_TIMEOUT_MS);
    this.checks = HealthChecks.create(vertx)
      .register("database", CHECK_TIMEOUT_MS, promise -> bus.request(Bus.DATABASE_PING, new JsonObject())
        .onSuccess(data -> promise.tryComplete(Status.OK(data)))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", e.getMessage())))))
      // The check's own timeout may have failed the promise already: an answer after it changes nothing.
      .register("redis", CHECK_TIMEOUT_MS, promise -> allocation.ping()
        .onSuccess(data -> promise.tryComplete(Status.OK(data)))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", e.getMessage())))));
  }

  /** Runs every check; {@code up} tells whether all passed. */
  public Future<Report> check() {
    return checks.checkStatus()
      .map(this::report);
  }

  /**
   * The old tool's fields (status, timestamp, database, redis with status, connected_clients, used_memory and
   * uptime_seconds, version) and this server's (database_connected, redis.connected and latency_us, the checks).
   * Ready ({@code up}) while allocation works, that is while Redis answers: without PostgreSQL the server still
   * allocates (history waits in its buffer, admin writes answer 503), so it is {@code degraded}, not down, and a
   * load balancer must keep sending it calls.
   */
  private Report report(CheckResult result) {
    JsonObject database = detail(result, "database");
    JsonObject redis = detail(result, "redis");
    boolean databaseUp = "UP".equals(database.getString("status"));
    boolean up = "UP".equals(redis.getString("status"));
    DATABASE_UP.set(databaseUp ? 1 : 0);
    REDIS_UP.set(up ? 1 : 0);
    JsonObject body = new JsonObject()
      .put("status", !up ? "unhealthy" : databaseUp ? "healthy" : "degraded")
      .put("timestamp", Instant.now().toString())
      // The old tool's words: a monitor written for it reads database and redis.status as healthy | unhealthy.
      .put("database", databaseUp ? "healthy" : "unhealthy")
      .put("database_connected", databaseUp)
      .put("redis", redis.put("connected", up).put("status", up ? "healthy" : "unhealthy"))
      .put("version", version)
      .put("checks", result.toJson().getJsonArray("checks"));
    return new Report(up, body);
  }

  private static void upGauge(MeterRegistry registry, String dependency, AtomicInteger up) {
    if (registry.find("cidrotator_dependency_up").tag("dependency", dependency).gauge() != null) {
      return;
    }
    Gauge.builder("cidrotator_dependency_up", up, AtomicInteger::get)
      .description("Whether this server reached the dependency at its last check (a /health request or a /metrics "
        + "scrape, each through the verticle that owns it): 1 yes, 0 no, -1 not checked yet")
      .tag("dependency", dependency)
      .register(registry);
  }

  private static JsonObject detail(CheckResult result, String id) {
    for (CheckResult check : result.getChecks()) {
      if (id.equals(check.getId())) {
        JsonObject data = check.getData() == null ? new JsonObject() : check.getData().copy();
        return data.put("status", Boolean.TRUE.equals(check.getUp()) ? "UP" : "DOWN");
      }
    }
    return new JsonObject().put("status", "DOWN");
  }

  /** The outcome of one health check run. */
  public record Report(boolean up, JsonObject body) {
  }
}
