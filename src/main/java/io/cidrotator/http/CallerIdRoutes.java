package io.cidrotator.http;

import io.cidrotator.inventory.CallerIdClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * {@code /api/caller-ids} (list, read with live state, create, change, deactivate or purge) and
 * {@code /api/audit}. Input is checked here; every problem is a 400 naming the field.
 */
final class CallerIdRoutes {

  private static final Set<String> LIST_PARAMS = Set.of("page", "size", "area_code", "pool", "carrier", "active", "q",
    "sort");
  private static final Set<String> AUDIT_PARAMS = Set.of("before_id", "actor", "action", "target", "since", "until",
    "limit");
  private static final int MAX_PAGE_SIZE = 500;

  private final CallerIdClient callerIds;

  private CallerIdRoutes(CallerIdClient callerIds) {
    this.callerIds = callerIds;
  }

  static void mount(Router router, Access access, CallerIdClient callerIds) {
    CallerIdRoutes routes = new CallerIdRoutes(callerIds);
    BodyHandler body = BodyHandler.create().setBodyLimit(64 * 1024);
    router.get("/api/caller-ids").handler(access.viewer()).respond(routes::list);
    router.post("/api/caller-ids").handler(body).handler(access.admin()).respond(routes::create);
    router.get("/api/caller-ids/:caller_id").handler(access.viewer()).respond(routes::get);
    router.patch("/api/caller-ids/:caller_id").handler(body).handler(access.admin()).respond(routes::update);
    router.delete("/api/caller-ids/:caller_id").handler(access.admin()).respond(routes::delete);
    router.get("/api/audit").handler(access.viewer()).respond(routes::audit);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    onlyParams(params, LIST_PARAMS);
    String sort = params.get("sort") == null ? "caller_id" : params.get("sort");
    if (!CallerIdClient.SORTS.contains(sort)) {
      throw new HttpException(400, "sort: one of " + String.join(", ", CallerIdClient.SORTS.stream().sorted().toList())
        + ", got '" + sort + "'");
    }
    String areaCode = params.get("area_code");
    if (areaCode != null && !areaCode.matches("[2-9][0-9]{2}")) {
      throw new HttpException(400, "area_code: must be 3 digits starting with 2-9, got '" + areaCode + "'");
    }
    return callerIds.list(new JsonObject()
      .put("page", Input.integer("page", params.get("page"), 1, 1, Integer.MAX_VALUE / MAX_PAGE_SIZE))
      .put("size", Input.integer("size", params.get("size"), 50, 1, MAX_PAGE_SIZE))
      .put("area_code", areaCode)
      .put("pool", Input.name("pool", params.get("pool")))
      .put("carrier", shortText("carrier", params.get("carrier")))
      .put("active", bool("active", params.get("active")))
      .put("q", shortText("q", params.get("q")))
      .put("sort", sort));
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    return callerIds.get(Input.number("caller_id", ctx.pathParam("caller_id")).digits());
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "caller_id", "carrier", "area_code", "hourly_limit", "daily_limit", "active", "pool",
      "meta");
    Object rawCallerId = body.getValue("caller_id");
    if (rawCallerId != null && !(rawCallerId instanceof String)) {
      throw new HttpException(400, "caller_id: must be a string of digits");
    }
    String callerId = Input.number("caller_id", (String) rawCallerId).digits();
    String areaCode = Input.text(body, "area_code", 3);
    if (areaCode == null) {
      areaCode = callerId.substring(0, 3);
    } else if (!areaCode.matches("[2-9][0-9]{2}")) {
      throw new HttpException(400, "area_code: must be 3 digits starting with 2-9, got '" + areaCode + "'");
    }
    JsonObject number = new JsonObject()
      .put("caller_id", callerId)
      .put("carrier", Input.text(body, "carrier", Input.MAX_NAME))
      .put("area_code", areaCode)
      .put("hourly_limit", Input.positive(body, "hourly_limit"))
      .put("daily_limit", Input.positive(body, "daily_limit"))
      .put("active", body.containsKey("active") ? flag(body, "active") : true)
      .put("pool", body.containsKey("pool") ? pool(body) : "default")
      .put("meta", body.containsKey("meta") ? meta(body) : new JsonObject());
    ctx.response().setStatusCode(201);
    return callerIds.create(number, Access.actor(ctx));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    String callerId = Input.number("caller_id", ctx.pathParam("caller_id")).digits();
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "carrier", "hourly_limit", "daily_limit", "active", "pool", "meta");
    if (body.isEmpty()) {
      throw new HttpException(400, "body: nothing to change (fields: carrier, hourly_limit, daily_limit, active, "
        + "pool, meta)");
    }
    JsonObject changes = new JsonObject();
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
    return callerIds.update(callerId, changes, Access.actor(ctx));
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    String callerId = Input.number("caller_id", ctx.pathParam("caller_id")).digits();
    onlyParams(ctx.queryParams(), Set.of("purge"));
    Boolean purge = bool("purge", ctx.queryParams().get("purge"));
    return callerIds.delete(callerId, Boolean.TRUE.equals(purge), Access.actor(ctx));
  }

  private Future<JsonObject> audit(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    onlyParams(params, AUDIT_PARAMS);
    String beforeId = params.get("before_id");
    if (beforeId != null && !beforeId.matches("[0-9]{1,18}")) {
      throw new HttpException(400, "before_id: must be an id from next_before_id, got '" + beforeId + "'");
    }
    return callerIds.audit(new JsonObject()
      .put("before_id", beforeId == null ? null : Long.parseLong(beforeId))
      .put("actor", shortText("actor", params.get("actor")))
      .put("action", shortText("action", params.get("action")))
      .put("target", shortText("target", params.get("target")))
      .put("since", time("since", params.get("since")))
      .put("until", time("until", params.get("until")))
      .put("limit", Input.integer("limit", params.get("limit"), 100, 1, MAX_PAGE_SIZE)));
  }

  private static void onlyParams(MultiMap params, Set<String> allowed) {
    for (String name : params.names()) {
      if (!allowed.contains(name)) {
        throw new HttpException(400, name + ": unknown query parameter (allowed: "
          + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static Boolean bool(String name, String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new HttpException(400, name + ": must be true or false, got '" + raw + "'");
    };
  }

  private static String shortText(String name, String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    if (raw.length() > Input.MAX_NAME) {
      throw new HttpException(400, name + ": at most " + Input.MAX_NAME + " characters");
    }
    return raw;
  }

  private static String time(String name, String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw).toString();
    } catch (DateTimeParseException e) {
      throw new HttpException(400, name + ": an ISO-8601 time with offset such as 2026-11-26T08:00:00Z, got '"
        + raw + "'");
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
    return PoolRoutes.poolName("pool", name);
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
