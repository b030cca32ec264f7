package io.cidrotator.callerid;

import io.cidrotator.auth.Access;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.cidrotator.phone.NanpNumber;
import io.cidrotator.pool.PoolClient;
import io.cidrotator.reputation.Health;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/caller-ids} (list, read with live state, create, change, deactivate or purge), and the old tool's
 * {@code POST /add-number}, which creates a number the same way. Input is checked here; every problem is a 400
 * naming the field.
 */
public final class CallerIdRoutes implements Routes {

  private static final Set<String> LIST_PARAMS = Set.of("page", "size", "area_code", "pool", "carrier", "active", "q",
    "health", "sort");
  private static final int MAX_PAGE_SIZE = 500;

  private final CallerIdClient callerIds;
  private final Access access;

  public CallerIdRoutes(Vertx vertx, Access access) {
    this.callerIds = new CallerIdClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    BodyHandler body = Routes.smallBody();
    router.get("/api/caller-ids").handler(access.viewer()).respond(this::list);
    router.post("/api/caller-ids").handler(body).handler(access.admin()).respond(this::create);
    router.get("/api/caller-ids/:caller_id").handler(access.viewer()).respond(this::get);
    router.patch("/api/caller-ids/:caller_id").handler(body).handler(access.admin()).respond(this::update);
    router.delete("/api/caller-ids/:caller_id").handler(access.admin()).respond(this::delete);
    router.post("/add-number").handler(body).handler(access.admin()).respond(this::addNumber);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    Input.onlyParams(params, LIST_PARAMS);
    String sort = params.get("sort") == null ? "caller_id" : params.get("sort");
    if (!CallerIdClient.SORTS.contains(sort)) {
      throw new HttpException(400, "sort: one of " + String.join(", ", CallerIdClient.SORTS.stream().sorted().toList())
        + ", got '" + sort + "'");
    }
    String areaCode = Input.areaCode("area_code", params.get("area_code"));
    return callerIds.list(new JsonObject()
      .put("page", Input.integer("page", params.get("page"), 1, 1, Integer.MAX_VALUE / MAX_PAGE_SIZE))
      .put("size", Input.integer("size", params.get("size"), 50, 1, MAX_PAGE_SIZE))
      .put("area_code", areaCode)
      .put("pool", Input.name("pool", params.get("pool")))
      .put("carrier", Input.shortText("carrier", params.get("carrier")))
      .put("active", Input.bool("active", params.get("active")))
      .put("q", Input.shortText("q", params.get("q")))
      .put("health", health(params.get("health")))
      .put("sort", sort));
  }

  /** The health state a list is filtered by (null: any). */
  private static String health(String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    for (Health health : Health.values()) {
      if (health.label().equals(raw)) {
        return raw;
      }
    }
    throw new HttpException(400, "health: one of " + Health.labels() + ", got '" + raw + "'");
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return callerIds.get(Input.number("caller_id", ctx.pathParam("caller_id")).digits());
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "caller_id", "carrier", "area_code", "hourly_limit", "daily_limit", "active", "pool",
      "meta", "prefixes");
    Object rawCallerId = body.getValue("caller_id");
    if (rawCallerId != null && !(rawCallerId instanceof String)) {
      throw new HttpException(400, "caller_id: must be a string of digits");
    }
    String callerId = Input.number("caller_id", (String) rawCallerId).digits();
    String areaCode = Input.areaCode("area_code", Input.text(body, "area_code", 3));
    if (areaCode == null) {
      areaCode = callerId.substring(0, 3);
    }
    JsonObject number = new JsonObject()
      .put("caller_id", callerId)
      .put("carrier", Input.text(body, "carrier", Input.MAX_NAME))
      .put("area_code", areaCode)
      .put("hourly_limit", Input.positive(body, "hourly_limit"))
      .put("daily_limit", Input.positive(body, "daily_limit"))
      .put("active", body.containsKey("active") ? flag(body, "active") : true)
      .put("pool", body.containsKey("pool") ? pool(body) : PoolClient.DEFAULT_POOL)
      .put("meta", body.containsKey("meta") ? meta(body) : new JsonObject())
      .put("prefixes", body.containsKey("prefixes") ? prefixes(body.getValue("prefixes")) : new JsonArray());
    ctx.response().setStatusCode(201);
    return callerIds.create(number, Access.actor(ctx));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    String callerId = Input.number("caller_id", ctx.pathParam("caller_id")).digits();
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "carrier", "hourly_limit", "daily_limit", "active", "pool", "meta", "prefixes",
      "health_state");
    if (body.isEmpty()) {
      throw new HttpException(400, "body: nothing to change (fields: carrier, hourly_limit, daily_limit, active, "
        + "pool, meta, prefixes, health_state)");
    }
    JsonObject changes = new JsonObject();
    if (body.containsKey("health_state")) {
      // An admin brings a number back from a rest, probation or retirement; the rest ladder alone rests numbers.
      if (!"healthy".equals(body.getValue("health_state"))) {
        throw new HttpException(400, "health_state: only \"healthy\" (back in rotation at its own caps), got "
          + body.getValue("health_state"));
      }
      changes.put("health_state", "healthy");
    }
    if (body.containsKey("carrier")) {
      changes.put("carrier", Input.text(body, "carrier", Input.MAX_NAME));
    }
    if (body.containsKey("hourly_limit")) {
      changes.put("hourly_limit", Input.positive(body, "hourly_limit"));
    }
    if (body.containsKey("daily_limit")) {
      changes.put("daily_limit", Input.positive(body, "daily_limit"));
    }
    if (body.containsKey("active")) {
      changes.put("active", flag(body, "active"));
    }
    if (body.containsKey("pool")) {
      changes.put("pool", pool(body));
    }
    if (body.containsKey("meta")) {
      changes.put("meta", meta(body));
    }
    if (body.containsKey("prefixes")) {
      changes.put("prefixes", prefixes(body.getValue("prefixes")));
    }
    return callerIds.update(callerId, changes, Access.actor(ctx));
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    String callerId = Input.number("caller_id", ctx.pathParam("caller_id")).digits();
    Input.onlyParams(ctx.queryParams(), Set.of("purge"));
    Boolean purge = Input.bool("purge", ctx.queryParams().get("purge"));
    return callerIds.delete(callerId, Boolean.TRUE.equals(purge), Access.actor(ctx));
  }

  /**
   * {@code POST /add-number?caller_id=&carrier=&area_code=&hourly_limit=&daily_limit=} (or the same fields as JSON),
   * as the old tool took it: a number created as {@code POST /api/caller-ids} creates it, answered in the old
   * tool's shape {@code {success, message, data}}.
   */
  private Future<JsonObject> addNumber(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    NanpNumber callerId = Input.number("caller_id", Input.field(ctx, body, "caller_id"));
    String areaCode = Input.areaCode("area_code", Input.field(ctx, body, "area_code"));
    String carrier = Input.field(ctx, body, "carrier");
    if (carrier != null && carrier.length() > Input.MAX_NAME) {
      throw new HttpException(400, "carrier: at most " + Input.MAX_NAME + " characters");
    }
    JsonObject number = new JsonObject()
      .put("caller_id", callerId.digits())
      .put("carrier", carrier)
      .put("area_code", areaCode == null ? callerId.areaCode() : areaCode)
      .put("hourly_limit", Input.positive("hourly_limit", Input.field(ctx, body, "hourly_limit")))
      .put("daily_limit", Input.positive("daily_limit", Input.field(ctx, body, "daily_limit")))
      .put("active", true)
      .put("pool", PoolClient.DEFAULT_POOL)
      .put("meta", new JsonObject());
    return callerIds.create(number, Access.actor(ctx))
      .map(added -> new JsonObject()
        .put("success", true)
        .put("message", "caller_id " + callerId.digits() + " added")
        .put("data", added));
  }

  /**
   * The prefixes an admin assigns the number to ({@link AssignedPrefixes}): an array of strings, or one
   * comma-separated string; null or empty: none.
   */
  static JsonArray prefixes(Object value) {
    List<String> given = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object prefix : array) {
        if (!(prefix instanceof String text)) {
          throw new HttpException(400, "prefixes: each a string of digits such as \"3125\", got " + prefix);
        }
        given.add(text);
      }
    } else if (value instanceof String text) {
      if (!text.isBlank()) {
        given.addAll(List.of(text.split(",")));
      }
    } else if (value != null) {
      throw new HttpException(400, "prefixes: an array of 2- to 5-digit prefixes such as [\"3125\"], got " + value);
    }
    try {
      return new JsonArray(AssignedPrefixes.parse(given));
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, e.getMessage());
    }
  }

  private static boolean flag(JsonObject body, String name) {
    if (!(body.getValue(name) instanceof Boolean value)) {
      throw new HttpException(400, name + ": must be true or false");
    }
    return value;
  }

  private static String pool(JsonObject body) {
    if (!(body.getValue("pool") instanceof String name) || name.isEmpty()) {
      throw new HttpException(400, "pool: a pool name of 1 to 64 letters, digits, '_', '.' or '-'");
    }
    return Input.poolName("pool", name);
  }

  private static JsonObject meta(JsonObject body) {
    if (!(body.getValue("meta") instanceof JsonObject meta)) {
      throw new HttpException(400, "meta: must be a JSON object");
    }
    if (meta.encode().length() > 4096) {
      throw new HttpException(400, "meta: at most 4096 characters of JSON");
    }
    return meta;
  }
}
