package io.cidrotator;

import io.cidrotator.alert.WebhookRoutes;
import io.cidrotator.allocation.AllocationClient;
import io.cidrotator.allocation.ReservationRoutes;
import io.cidrotator.audit.AuditRoutes;
import io.cidrotator.auth.Access;
import io.cidrotator.auth.Authenticator;
import io.cidrotator.auth.DialerAccess;
import io.cidrotator.auth.LoginThrottle;
import io.cidrotator.auth.Users;
import io.cidrotator.callerid.CallerIdRoutes;
import io.cidrotator.csv.CsvRoutes;
import io.cidrotator.dashboard.DashboardRoutes;
import io.cidrotator.dialer.DialerRoutes;
import io.cidrotator.health.DependencyHealth;
import io.cidrotator.health.HealthRoutes;
import io.cidrotator.history.ChartRoutes;
import io.cidrotator.coverage.CoverageRoutes;
import io.cidrotator.explain.ExplainRoutes;
import io.cidrotator.history.HistoryExportRoutes;
import io.cidrotator.http.ApiErrors;
import io.cidrotator.http.RequestGate;
import io.cidrotator.http.SlowClients;
import io.cidrotator.http.OpenApiRoutes;
import io.cidrotator.http.Routes;
import io.cidrotator.inventory.InventoryRoutes;
import io.cidrotator.metrics.MetricsRoutes;
import io.cidrotator.pool.PoolClient;
import io.cidrotator.pool.PoolRoutes;
import io.cidrotator.reputation.FlagRoutes;
import io.cidrotator.stats.RequestStats;
import io.cidrotator.stats.StatsRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP surface: mounts every feature's {@link Routes} on one router, with CORS first, the dashboard's static
 * files last and one failure handler ({@link ApiErrors}). The routes validate at the edge and hand the work to
 * the allocator and admin verticles over the event bus. Several instances share the port.
 */
public final class RouterVerticle extends VerticleBase {

  /** How long a /metrics scrape waits for the pool gauges to be read afresh before it answers with the last ones. */
  static final long GAUGES_TIMEOUT_MS = 1_000;

  private final AppConfig config;
  private final RequestStats stats;
  private final LoginThrottle throttle;
  private final Users users;
  private final String version;
  private final StopOrder stopOrder;
  private HttpServer server;
  private Router router;

  public RouterVerticle(AppConfig config, RequestStats stats, LoginThrottle throttle, Users users, String version) {
    this(config, stats, throttle, users, version, StopOrder.none());
  }

  public RouterVerticle(AppConfig config, RequestStats stats, LoginThrottle throttle, Users users, String version,
                        StopOrder stopOrder) {
    this.stopOrder = stopOrder;
    this.config = config;
    this.stats = stats;
    this.throttle = throttle;
    this.users = users;
    this.version = version;
  }

  @Override
  public Future<?> start() {
    AllocationClient allocation = new AllocationClient(vertx, config.allocationTimeoutMs());
    DependencyHealth health = new DependencyHealth(vertx, allocation, version);
    PoolClient pools = new PoolClient(vertx, GAUGES_TIMEOUT_MS);
    Access access = new Access(new Authenticator(vertx, config.adminToken(), config.auth()), users, throttle);

    router = Router.router(vertx);
    if (!config.allowedOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create()
        .addOrigins(config.allowedOrigins())
        .allowedHeader("Authorization")
        .allowedHeader("Content-Type"));
    }
    List<Routes> routes = List.of(
      new DialerRoutes(config.dialPrefixes(), new DialerAccess(config.auth()), stats, allocation),
      new HealthRoutes(health),
      new MetricsRoutes(() -> Future.join(pools.refreshGauges(), health.check())),
      new OpenApiRoutes(),
      access,
      new ReservationRoutes(vertx, access, allocation),
      // Before the caller-ID routes: /api/caller-ids/export and /import are not caller-IDs.
      new CsvRoutes(vertx, access),
      new CallerIdRoutes(vertx, access),
      new FlagRoutes(vertx, access),
      new WebhookRoutes(vertx, access),
      new ChartRoutes(vertx, access),
      new HistoryExportRoutes(vertx, access),
      new CoverageRoutes(vertx, access),
      new ExplainRoutes(vertx, access),
      new AuditRoutes(vertx, access),
      new PoolRoutes(vertx, access),
      new InventoryRoutes(vertx, access),
      new StatsRoutes(vertx, access, stats, allocation, health, config.timezone()),
      // Last: every GET or HEAD no route above took.
      new DashboardRoutes());
    routes.forEach(feature -> feature.mount(router));
    router.route().failureHandler(ApiErrors::handle);
    router.errorHandler(404, ApiErrors::handle);
    router.errorHandler(405, ApiErrors::handle);

    SlowClients slowClients = new SlowClients(vertx, config.httpHeadTimeoutMs());
    return vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.apiHost())
        .setPort(config.apiPort())
        .setTcpNoDelay(true)
        .setMaxInitialLineLength(4096)
        // HTTP/1.1 only, as dialplans and browsers speak it here: no h2c upgrade for a client to get wrong.
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(config.httpIdleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS))
      .connectionHandler(slowClients::connected)
      .invalidRequestHandler(RequestGate::invalid)
      .requestHandler(slowClients.requests(new RequestGate(router)))
      .listen()
      .recover(e -> Future.failedFuture(ListenFailure.explain(e, "API_PORT", config.apiHost(), config.apiPort(), "")))
      .onSuccess(s -> server = s);
  }

  /**
   * Every route with a path and a method, as {@code "GET /api/caller-ids/{caller_id}"}: what docs/openapi.yaml
   * must describe.
   */
  public List<String> routes() {
    return router.getRoutes().stream()
      .filter(route -> route.getPath() != null && route.methods() != null && !route.methods().isEmpty())
      .flatMap(route -> route.methods().stream()
        .map(method -> method.name() + " " + route.getPath().replaceAll(":([a-z_]+)", "{$1}")))
      .distinct()
      .sorted()
      .toList();
  }

  /** The bound port (API_PORT 0 picks a free one). */
  public int actualPort() {
    return server.actualPort();
  }

  /** Stops accepting, answers the requests in flight (at most the grace period), then closes ({@link StopOrder}). */
  @Override
  public Future<?> stop() {
    Future<Void> closing = server == null ? Future.succeededFuture()
      : server.shutdown(stopOrder.graceMs(), TimeUnit.MILLISECONDS);
    return closing.eventually(() -> {
      stopOrder.frontDoorClosed();
      return Future.succeededFuture();
    });
  }
}
