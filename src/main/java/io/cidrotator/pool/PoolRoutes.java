package io.cidrotator.pool;

import io.cidrotator.auth.Access;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.cidrotator.locality.CallingWindow;
import io.cidrotator.locality.Locality;
import io.cidrotator.reputation.HealthSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;


/**
 * {@code /api/pools} and {@code /api/campaigns}: pools with their settings, and which pool each campaign
 * allocates from. Reads need the viewer role, writes the admin role; bodies are JSON objects whose unknown
 * fields are rejected.
 */
public final class PoolRoutes implements Routes {

  private static final String POOL_FIELDS = "name, reservation_ttl, hourly_limit, daily_limit, tiers, strategy, "
    + "sticky_days, description, calling_window, calling_window_by_region, fallback, health";
  private static final int MAX_STICKY_DAYS = 365;
  private static final int MAX_TTL_SECONDS = 86_400;
  private static final int MAX_DESCRIPTION = 500;
  /** Writes may re-sync every number of a pool into Redis before they answer. */
  private static final long WRITE_TIMEOUT_MS = 120_000;

  private final PoolClient pools;
  private final Access access;

  public PoolRoutes(Vertx vertx, Access access) {
    this.pools = new PoolClient(vertx, WRITE_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    BodyHandler body = Routes.smallBody();
    router.get("/api/pools").handler(access.viewer()).respond(ctx -> pools.pools());
    router.post("/api/pools").handler(body).handler(access.admin()).respond(this::createPool);
    router.get("/api/pools/:name").handler(access.viewer()).respond(ctx -> pools.pool(pathName(ctx)));
    router.patch("/api/pools/:name").handler(body).handler(access.admin()).respond(this::updatePool);
    router.delete("/api/pools/:name").handler(access.admin())
      .respond(ctx -> pools.deletePool(pathName(ctx), Access.actor(ctx)));

    router.get("/api/campaigns").handler(access.viewer()).respond(ctx -> pools.campaigns());
    router.post("/api/campaigns").handler(body).handler(access.admin()).respond(this::createCampaign);
    router.get("/api/campaigns/:name").handler(access.viewer()).respond(ctx -> pools.campaign(campaignName(ctx)));
    router.put("/api/campaigns/:name").handler(body).handler(access.admin()).respond(this::putCampaign);
    router.delete("/api/campaigns/:name").handler(access.admin())
      .respond(ctx -> pools.deleteCampaign(campaignName(ctx), Access.actor(ctx)));
  }

  /** POST /api/pools: 201 with the pool; 409 when the name is taken. */
  private Future<JsonObject> createPool(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, POOL_FIELDS.split(", "));
    JsonObject pool = poolSettings(body);
    String name = Input.poolName("name", Input.text(body, "name", Input.MAX_NAME));
    if (name == null) {
      throw new HttpException(400, "name: required");
    }
    pool.put("name", name);
    if (!pool.containsKey("tiers")) {
      pool.put("tiers", Tiers.DEFAULT);
    }
    if (!pool.containsKey("strategy")) {
      pool.put("strategy", "lru");
    }
    if (!pool.containsKey("sticky_days")) {
      pool.put("sticky_days", 0);
    }
    if (!pool.containsKey("calling_window_by_region")) {
      pool.put("calling_window_by_region", new JsonObject());
    }
    return pools.createPool(pool, Access.actor(ctx))
      .onSuccess(created -> ctx.response().setStatusCode(201));
  }

  /** PATCH /api/pools/{name}: the fields sent change; null resets a setting to the server's default. */
  private Future<JsonObject> updatePool(RoutingContext ctx) {
    String name = pathName(ctx);
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, POOL_FIELDS.split(", "));
    if (body.isEmpty()) {
      throw new HttpException(400, "body: send at least one of " + POOL_FIELDS);
    }
    JsonObject changes = poolSettings(body);
    if (body.containsKey("name")) {
      String newName = Input.poolName("name", Input.text(body, "name", Input.MAX_NAME));
      if (newName == null) {
        throw new HttpException(400, "name: a pool cannot lose its name");
      }
      changes.put("name", newName);
    }
    return pools.updatePool(name, changes, Access.actor(ctx));
  }

  /** The settings fields present in {@code body}, validated (a null value stays: it means the default). */
  private static JsonObject poolSettings(JsonObject body) {
    JsonObject settings = new JsonObject();
    if (body.containsKey("health")) {
      try {
        settings.put("health", HealthSettings.checked(body.getValue("health")));
      } catch (IllegalArgumentException e) {
        throw new HttpException(400, e.getMessage());
      }
    }
    if (body.containsKey("reservation_ttl")) {
      Integer ttl = Input.positive(body, "reservation_ttl");
      if (ttl != null && ttl > MAX_TTL_SECONDS) {
        throw new HttpException(400, "reservation_ttl: at most " + MAX_TTL_SECONDS + " seconds, got " + ttl);
      }
      settings.put("reservation_ttl", ttl);
    }
    for (String cap : new String[] {"hourly_limit", "daily_limit"}) {
      if (body.containsKey(cap)) {
        settings.put(cap, Input.positive(body, cap));
      }
    }
    if (body.containsKey("tiers")) {
      if (body.getValue("tiers") == null) {
        settings.put("tiers", Tiers.DEFAULT);
      } else {
        settings.put("tiers", Tiers.parse("tiers", body.getValue("tiers")));
      }
    }
    if (body.containsKey("fallback")) {
      // Before tiers, a pool's fallback: its three values are tier lists, still accepted as such.
      Object fallback = body.getValue("fallback");
      if (body.containsKey("tiers")) {
        throw new HttpException(400, "fallback: send tiers alone (fallback is its older name)");
      }
      if (!(fallback instanceof String text) || !Tiers.FALLBACKS.contains(text)) {
        throw new HttpException(400, "fallback: must be \"area_code,pool\", \"area_code\" or \"pool\", got "
          + fallback + " (tiers takes any list)");
      }
      settings.put("tiers", fallback);
    }
    if (body.containsKey("strategy")) {
      Object strategy = body.getValue("strategy");
      settings.put("strategy", strategy == null ? "lru" : Tiers.strategy("strategy", strategy));
    }
    if (body.containsKey("sticky_days")) {
      settings.put("sticky_days", stickyDays(body.getValue("sticky_days")));
    }
    if (body.containsKey("description")) {
      settings.put("description", Input.text(body, "description", MAX_DESCRIPTION));
    }
    if (body.containsKey("calling_window")) {
      settings.put("calling_window", window("calling_window", body.getValue("calling_window")));
    }
    if (body.containsKey("calling_window_by_region")) {
      settings.put("calling_window_by_region", windowsByRegion(body.getValue("calling_window_by_region")));
    }
    return settings;
  }

  /** 0 (off, also for null) to {@value #MAX_STICKY_DAYS} days. */
  private static int stickyDays(Object value) {
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Integer days) || days < 0 || days > MAX_STICKY_DAYS) {
      throw new HttpException(400, "sticky_days: a whole number of days from 0 (off) to " + MAX_STICKY_DAYS + ", got "
        + value);
    }
    return days;
  }

  /** A window as HH:MM-HH:MM (normalized), or null (none). */
  private static String window(String field, Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new HttpException(400, field + ": HH:MM-HH:MM or null, got " + value);
    }
    try {
      return CallingWindow.parse(field, text).toString();
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, e.getMessage());
    }
  }

  /** {@code {"US-TX": "09:00-20:00", ...}}: regions the numbering plan knows, each with a window; null is {}. */
  private static JsonObject windowsByRegion(Object value) {
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject regions)) {
      throw new HttpException(400, "calling_window_by_region: an object of region -> HH:MM-HH:MM, e.g. "
        + "{\"US-TX\": \"09:00-20:00\"}, got " + value);
    }
    JsonObject windows = new JsonObject();
    for (String region : regions.fieldNames()) {
      String field = "calling_window_by_region." + region;
      if (!Locality.nanp().hasRegion(region)) {
        throw new HttpException(400, field + ": not a region of the numbering plan (US-TX, CA-ON, JM, ... as a "
          + "number's locality names it)");
      }
      String window = window(field, regions.getValue(region));
      if (window == null) {
        throw new HttpException(400, field + ": a window HH:MM-HH:MM (leave the region out for the pool's own)");
      }
      windows.put(region, window);
    }
    return windows;
  }

  /** POST /api/campaigns {name, pool, description}: 201 with the mapping; 409 when it exists. */
  private Future<JsonObject> createCampaign(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "name", "pool", "description");
    String name = Input.name("name", Input.text(body, "name", Input.MAX_NAME));
    if (name == null) {
      throw new HttpException(400, "name: required");
    }
    return pools.createCampaign(mapping(name, body), Access.actor(ctx))
      .onSuccess(created -> ctx.response().setStatusCode(201));
  }

  /** PUT /api/campaigns/{name} {pool, description}: creates or replaces the mapping. */
  private Future<JsonObject> putCampaign(RoutingContext ctx) {
    String name = campaignName(ctx);
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "pool", "description");
    return pools.putCampaign(mapping(name, body), Access.actor(ctx));
  }

  private static JsonObject mapping(String name, JsonObject body) {
    String pool = Input.poolName("pool", Input.text(body, "pool", Input.MAX_NAME));
    if (pool == null) {
      throw new HttpException(400, "pool: required");
    }
    return new JsonObject()
      .put("name", name)
      .put("pool", pool)
      .put("description", Input.text(body, "description", MAX_DESCRIPTION));
  }

  private static String pathName(RoutingContext ctx) {
    return Input.poolName("name", ctx.pathParam("name"));
  }

  private static String campaignName(RoutingContext ctx) {
    return Input.name("name", ctx.pathParam("name"));
  }
}
