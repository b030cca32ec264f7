package io.cidrotator.alert;

import io.cidrotator.auth.Access;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * {@code /api/webhooks} (admin only: a target's URL can itself be a secret): list, read, create, change, delete, a
 * target's delivery log ({@code /deliveries}) and its test button ({@code POST /test}). Input is checked here; every
 * problem is a 400 naming the field, and changes nothing.
 */
public final class WebhookRoutes implements Routes {

  static final int MIN_SECRET = 16;
  static final int MAX_SECRET = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookClient webhooks;
  private final Access access;

  public WebhookRoutes(Vertx vertx, Access access) {
    this.webhooks = new WebhookClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    BodyHandler body = Routes.smallBody();
    router.get("/api/webhooks").handler(access.admin()).respond(ctx -> webhooks.list());
    router.post("/api/webhooks").handler(body).handler(access.admin()).respond(this::create);
    router.get("/api/webhooks/:id").handler(access.admin()).respond(ctx -> webhooks.get(id(ctx)));
    router.patch("/api/webhooks/:id").handler(body).handler(access.admin()).respond(this::update);
    router.delete("/api/webhooks/:id").handler(access.admin())
      .respond(ctx -> webhooks.delete(id(ctx), Access.actor(ctx)));
    router.get("/api/webhooks/:id/deliveries").handler(access.admin()).respond(this::deliveries);
    router.post("/api/webhooks/:id/test").handler(access.admin()).respond(ctx -> webhooks.test(id(ctx)));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "url", "secret", "events", "conditions", "description", "active");
    boolean generated = body.getValue("secret") == null;
    JsonObject webhook = checked(body, true)
      .put("secret", generated ? newSecret() : secret(body.getValue("secret")));
    ctx.response().setStatusCode(201);
    return webhooks.create(webhook, generated, Access.actor(ctx));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    long id = id(ctx);
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "url", "secret", "events", "conditions", "description", "active");
    if (body.isEmpty()) {
      throw new HttpException(400, "body: nothing to change (fields: url, secret, events, conditions, description, "
        + "active)");
    }
    JsonObject changes = checked(body, false);
    if (body.containsKey("secret")) {
      changes.put("secret", secret(body.getValue("secret")));
    }
    return webhooks.update(id, changes, Access.actor(ctx));
  }

  /** The fields of {@code body} other than the secret, checked; on create, url and events are required. */
  private static JsonObject checked(JsonObject body, boolean create) {
    JsonObject checked = new JsonObject();
    try {
      if (create || body.containsKey("url")) {
        checked.put("url", WebhookTarget.checkedUrl(body.getValue("url")));
      }
      if (create || body.containsKey("events")) {
        checked.put("events", new JsonArray(WebhookTarget.checkedEvents(body.getValue("events"))));
      }
      if (body.containsKey("conditions")) {
        checked.put("conditions", Conditions.checked(body.getValue("conditions")));
      }
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, e.getMessage());
    }
    if (body.containsKey("description")) {
      checked.put("description", Input.text(body, "description", 200));
    }
    if (body.containsKey("active")) {
      if (!(body.getValue("active") instanceof Boolean active)) {
        throw new HttpException(400, "active: must be true or false");
      }
      checked.put("active", active);
    }
    return checked;
  }

  private static String secret(Object value) {
    if (!(value instanceof String secret) || secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
      throw new HttpException(400, "secret: a string of " + MIN_SECRET + " to " + MAX_SECRET
        + " characters (leave it out and the server makes one, shown once)");
    }
    return secret;
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private Future<JsonObject> deliveries(RoutingContext ctx) {
    Input.onlyParams(ctx.queryParams(), Set.of("limit"));
    return webhooks.deliveries(id(ctx), Input.integer("limit", ctx.queryParams().get("limit"), 50, 1, 500));
  }

  private static long id(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HttpException(400, "id: a webhook's id (a positive integer), got '" + raw + "'");
  }
}
