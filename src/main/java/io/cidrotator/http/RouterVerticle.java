package io.cidrotator.http;

import io.cidrotator.AppConfig;
import io.cidrotator.allocation.AllocationClient;
import io.cidrotator.allocation.Allocator;
import io.cidrotator.allocation.VicidialCallId;
import io.cidrotator.auth.Authenticator;
import io.cidrotator.auth.DialerAccess;
import io.cidrotator.auth.LoginThrottle;
import io.cidrotator.auth.Users;
import io.cidrotator.health.DependencyHealth;
import io.cidrotator.inventory.CallerIdClient;
import io.cidrotator.inventory.ChartClient;
import io.cidrotator.inventory.InventoryClient;
import io.cidrotator.phone.NanpNumber;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTTP surface: validates and normalizes at the edge, then hands the work to the allocator and
 * admin verticles over the event bus. Several instances share the port.
 */
public final class RouterVerticle extends VerticleBase {

  /** docs/openapi.yaml, packaged into the jar by the build. */
  private static final String OPENAPI = readOpenApi();

  private final AppConfig config;
  private final RequestStats stats;
  private final LoginThrottle throttle;
  private final Users users;
  private final String version;
  private AllocationClient allocation;
  private Allocator direct;
  private InventoryClient inventory;
  private CallerIdClient callerIds;
  private DependencyHealth health;
  private HttpServer server;
  private Router router;

  public RouterVerticle(AppConfig config, RequestStats stats, LoginThrottle throttle, Users users, String version) {
    this.config = config;
    this.stats = stats;
    this.throttle = throttle;
    this.users = users;
    this.version = version;
  }

  @Override
  public Future<?> start() {
    allocation = new AllocationClient(vertx, config.allocationTimeoutMs());
    inventory = new InventoryClient(vertx, 30_000);
    health = new DependencyHealth(vertx, allocation, inventory, version);
    DialerAccess dialers = new DialerAccess(config.auth());
    Access access = new Access(new Authenticator(vertx, config.adminToken(), config.auth()), users, throttle, dialers);

    router = Router.router(vertx);
    if (!config.allowedOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create()
        .addOrigins(config.allowedOrigins())
        .allowedHeader("Authorization")
        .allowedHeader("Content-Type"));
    }
    // measure (or mark, for releases) runs before the dialer check, so a refusal is counted and has the
    // empty text-format body. With the dialer routes open there is no check at all on the hot path.
    Handler<RoutingContext> gate = dialers.open() ? null : access.dialer();
    dialerRoute(router.get("/next-cid"), this::measure, gate, ctx -> nextCid(ctx, allocation::allocate));
    dialerRoute(router.get("/release"), DialplanFormat::mark, gate, ctx -> release(ctx, allocation::release));
    dialerRoute(router.post("/release"), DialplanFormat::mark, gate, ctx -> release(ctx, allocation::release));
    if (config.benchDirectRoute()) {
      // The same allocation without the bus hop, for scripts/bench to measure what the hop costs.
      direct = new Allocator(vertx, config, "bench-direct");
      dialerRoute(router.get("/bench/next-cid-direct"), this::measure, gate, ctx -> nextCid(ctx, direct::allocate));
      dialerRoute(router.get("/bench/release-direct"), DialplanFormat::mark, gate,
        ctx -> release(ctx, direct::release));
    }
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "application/yaml")
      .end(OPENAPI));

    BodyHandler smallBody = BodyHandler.create().setBodyLimit(64 * 1024);
    router.post("/api/auth/token").handler(smallBody).respond(access::issueToken);
    router.delete("/api/reservation/:caller_id").handler(access.admin()).respond(this::adminRelease);
    CsvRoutes.mount(vertx, router, access);
    router.get("/api/stats").handler(access.viewer()).respond(this::stats);
    LiveStream.Sources live = new LiveStream.Sources(vertx, stats, inventory, allocation, health);
    router.get("/api/live").handler(access.viewer()).handler(ctx -> LiveStream.open(live, ctx));
    router.post("/add-number").handler(smallBody).handler(access.admin()).respond(this::addNumber);
    callerIds = new CallerIdClient(vertx, 30_000);
    CallerIdRoutes.mount(router, access, callerIds);
    DashboardRoutes.mount(router, access, new ChartClient(vertx, 30_000));
    router.post("/api/inventory/reload").handler(access.admin())
      .respond(ctx -> inventory.reload(Access.actor(ctx)));
    new PoolRoutes(vertx, access).mount(router);
    new ReservationRoutes(vertx, access).mount(router);

    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD)
      .handler(DashboardHeaders::add)
      .handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().failureHandler(ApiErrors::handle);
    router.errorHandler(404, ApiErrors::handle);
    router.errorHandler(405, ApiErrors::handle);

    Future<Void> directReady = direct == null ? Future.succeededFuture() : direct.start();
    return directReady.compose(v -> vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.apiHost())
        .setPort(config.apiPort())
        .setTcpNoDelay(true)
        .setMaxInitialLineLength(4096))
      .requestHandler(router)
      .listen())
      .onSuccess(s -> server = s);
  }

  /** {@code first}, then the dialer check when there is one ({@code gate} null: none), then {@code serve}. */
  private static void dialerRoute(Route route, Handler<RoutingContext> first, Handler<RoutingContext> gate,
                                  Handler<RoutingContext> serve) {
    route.handler(first);
    if (gate != null) {
      route.handler(gate);
    }
    route.handler(serve);
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

  /** Counts the outcome and time of a /next-cid, refused ones included, and notes format=text for ApiErrors. */
  private void measure(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(v -> stats.record(outcome(ctx.response().getStatusCode()), System.nanoTime() - started));
    DialplanFormat.mark(ctx);
  }

  private void nextCid(RoutingContext ctx, Function<JsonObject, Future<JsonObject>> allocate) {
    String to = ctx.request().getParam("to");
    if (to == null || to.isBlank()) {
      ctx.fail(new HttpException(422, "to: required query parameter is missing"));
      return;
    }
    NanpNumber destination;
    String campaign;
    String agent;
    String callkey;
    String uid;
    try {
      destination = NanpNumber.parse("to", to, config.dialPrefixes());
      campaign = Input.name("campaign", ctx.request().getParam("campaign"));
      agent = Input.name("agent", ctx.request().getParam("agent"));
      callkey = callKey(ctx);
      uid = Input.name("uid", ctx.request().getParam("uid"));
    } catch (IllegalArgumentException e) {
      ctx.fail(new HttpException(400, e.getMessage()));
      return;
    }
    allocate.apply(AllocationClient.request(destination, campaign, agent, callkey, uid))
      .onSuccess(result -> answerAllocation(ctx, result, destination, campaign, agent))
      .onFailure(ctx::fail);
  }

  private static void answerAllocation(RoutingContext ctx, JsonObject result, NanpNumber destination, String campaign,
                                       String agent) {
    switch (DialplanFormat.of(ctx)) {
      case TEXT -> ctx.response().putHeader("Content-Type", "text/plain").end(result.getString("caller_id"));
      case KV -> {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("caller_id", result.getString("caller_id"));
        kv.put("reservation", result.getString("reservation"));
        kv.put("tier", result.getString("tier"));
        kv.put("reserved_for", result.getInteger("reserved_for"));
        kv.put("area_code", result.getString("area_code"));
        ctx.response().putHeader("Content-Type", "text/plain").end(DialplanFormat.kv(kv));
      }
      default -> ctx.json(new JsonObject()
        .put("success", true)
        .put("caller_id", result.getString("caller_id"))
        .put("area_code", result.getString("area_code"))
        .put("carrier", result.getString("carrier"))
        .put("reserved_for", result.getInteger("reserved_for"))
        .put("destination", destination.digits())
        .put("agent", agent)
        .put("campaign", campaign)
        .put("tier", result.getString("tier"))
        .put("reservation", result.getString("reservation"))
        .put("repeat", result.getBoolean("repeat", false)));
    }
  }

  /**
   * {@code /release}: the call named by caller_id (optionally with its reservation), callkey or uid, with the
   * outcome the hangup handler knows (dialstatus, answered, cause) for the history. Idempotent.
   */
  private void release(RoutingContext ctx, Function<JsonObject, Future<JsonObject>> release) {
    JsonObject request;
    try {
      request = releaseRequest(ctx);
    } catch (HttpException e) {
      ctx.fail(e);
      return;
    }
    release.apply(request)
      .onSuccess(result -> answerRelease(ctx, result))
      .onFailure(ctx::fail);
  }

  private static JsonObject releaseRequest(RoutingContext ctx) {
    String raw = ctx.request().getParam("caller_id");
    String callkey = callKey(ctx);
    String uid = Input.name("uid", ctx.request().getParam("uid"));
    if ((raw == null || raw.isBlank()) && callkey == null && uid == null) {
      throw new HttpException(422, "caller_id: required query parameter is missing (or give uid, or callkey with "
        + "VICIdial's call id)");
    }
    String callerId = raw == null || raw.isBlank() ? null : Input.number("caller_id", raw).digits();
    String reservation = ctx.request().getParam("reservation");
    if (reservation != null && !reservation.matches("[0-9a-f-]{36}")) {
      throw new HttpException(400, "reservation: not a reservation id as /next-cid returns it");
    }
    String dialStatus = ctx.request().getParam("dialstatus");
    if (dialStatus != null && dialStatus.isEmpty()) {
      dialStatus = null;
    }
    if (dialStatus != null && !dialStatus.matches("[A-Z_]{1,20}")) {
      throw new HttpException(400, "dialstatus: an Asterisk DIALSTATUS such as ANSWER or BUSY, got '" + dialStatus + "'");
    }
    AllocationClient.Outcome outcome = new AllocationClient.Outcome(dialStatus,
      Input.integer("answered", ctx.request().getParam("answered"), 0, 7 * 24 * 3600),
      Input.integer("cause", ctx.request().getParam("cause"), 0, 127));
    return AllocationClient.releaseRequest(callerId, reservation, callkey, uid, outcome);
  }

  /**
   * The callkey, when it is a VICIdial call id (unique per call); anything else in CALLERID(name) (a phone's
   * display name, the same on every call it makes) would make two calls one, so it is ignored, not refused.
   */
  private static String callKey(RoutingContext ctx) {
    String raw = ctx.request().getParam("callkey");
    return VicidialCallId.parse(raw) == null ? null : raw;
  }

  private static void answerRelease(RoutingContext ctx, JsonObject result) {
    boolean released = result.getBoolean("released");
    switch (DialplanFormat.of(ctx)) {
      case TEXT -> ctx.response().putHeader("Content-Type", "text/plain").end(released ? "1" : "0");
      case KV -> {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("released", released ? 1 : 0);
        kv.put("caller_id", result.getString("caller_id"));
        ctx.response().putHeader("Content-Type", "text/plain").end(DialplanFormat.kv(kv));
      }
      default -> ctx.json(new JsonObject()
        .put("success", true)
        .put("caller_id", result.getString("caller_id"))
        .put("released", released));
    }
  }

  private Future<JsonObject> adminRelease(RoutingContext ctx) {
    NanpNumber callerId = Input.number("caller_id", ctx.pathParam("caller_id"));
    return allocation.release(AllocationClient.releaseRequest(callerId.digits(), null))
      .compose(result -> callerIds.recordAudit("reservation.release", callerId.digits(),
        new JsonObject().put("released", result.getBoolean("released")), Access.actor(ctx)).map(result))
      .map(result -> new JsonObject()
        .put("success", true)
        .put("message", result.getBoolean("released")
          ? "reservation of " + callerId.digits() + " released"
          : callerId.digits() + " had no live reservation")
        .put("released_from_redis", result.getBoolean("released")));
  }

  private Future<JsonObject> stats(RoutingContext ctx) {
    return Future.all(inventory.counts(), allocation.reservationCount())
      .map(all -> {
        JsonObject counts = all.resultAt(0);
        Long reservations = all.resultAt(1);
        return new JsonObject()
          .put("total_caller_ids", counts.getLong("total"))
          .put("active_caller_ids", counts.getLong("active"))
          .put("active_reservations", reservations)
          .mergeIn(stats.lastHour())
          .put("timestamp", Instant.now().toString());
      });
  }

  private Future<JsonObject> addNumber(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    NanpNumber callerId = Input.number("caller_id", Input.field(ctx, body, "caller_id"));
    String areaCode = Input.field(ctx, body, "area_code");
    if (areaCode == null) {
      areaCode = callerId.areaCode();
    } else if (!areaCode.matches("[2-9][0-9]{2}")) {
      throw new HttpException(400, "area_code: must be 3 digits starting with 2-9, got '" + areaCode + "'");
    }
    String carrier = Input.field(ctx, body, "carrier");
    if (carrier != null && carrier.length() > Input.MAX_NAME) {
      throw new HttpException(400, "carrier: at most " + Input.MAX_NAME + " characters");
    }
    JsonObject number = new JsonObject()
      .put("caller_id", callerId.digits())
      .put("carrier", carrier)
      .put("area_code", areaCode)
      .put("hourly_limit", Input.positive("hourly_limit", Input.field(ctx, body, "hourly_limit")))
      .put("daily_limit", Input.positive("daily_limit", Input.field(ctx, body, "daily_limit")))
      .put("actor", Access.actor(ctx).toJson());
    return inventory.addNumber(number)
      .map(added -> new JsonObject()
        .put("success", true)
        .put("message", "caller_id " + callerId.digits() + " added")
        .put("data", added));
  }

  private void health(RoutingContext ctx) {
    health.check()
      .onSuccess(report -> ctx.response().setStatusCode(report.up() ? 200 : 503))
      .onSuccess(report -> ctx.json(report.body()))
      .onFailure(ctx::fail);
  }

  private static String outcome(int status) {
    return switch (status) {
      case 200 -> "ok";
      case 400, 422 -> "bad_request";
      case 401, 403 -> "unauthorized";
      case 429 -> "rate_limited";
      case 503 -> "unavailable";
      default -> status < 500 ? "client_error" : "error";
    };
  }

  private static String readOpenApi() {
    try (InputStream in = RouterVerticle.class.getClassLoader().getResourceAsStream("openapi/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi/openapi.yaml is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Future<?> stop() {
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return direct == null ? closing : closing.eventually(direct::stop);
  }
}
