package io.cidrotator.alert;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the webhook messages of the bus. */
public final class WebhookClient {

  private final Bus.Sender bus;

  public WebhookClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  public Future<JsonObject> list() {
    return bus.request(Bus.WEBHOOK_LIST, new JsonObject());
  }

  public Future<JsonObject> get(long id) {
    return bus.request(Bus.WEBHOOK_GET, new JsonObject().put("id", id));
  }

  /** {@code webhook}: checked fields; {@code secretGenerated}: the answer shows the secret, this once. */
  public Future<JsonObject> create(JsonObject webhook, boolean secretGenerated, Actor actor) {
    return bus.request(Bus.WEBHOOK_CREATE, new JsonObject().put("webhook", webhook)
      .put("secret_generated", secretGenerated).put("actor", actor.toJson()));
  }

  public Future<JsonObject> update(long id, JsonObject changes, Actor actor) {
    return bus.request(Bus.WEBHOOK_UPDATE, new JsonObject().put("id", id).put("changes", changes)
      .put("actor", actor.toJson()));
  }

  public Future<JsonObject> delete(long id, Actor actor) {
    return bus.request(Bus.WEBHOOK_DELETE, new JsonObject().put("id", id).put("actor", actor.toJson()));
  }

  public Future<JsonObject> deliveries(long id, int limit) {
    return bus.request(Bus.WEBHOOK_DELIVERIES, new JsonObject().put("id", id).put("limit", limit));
  }

  /** Sends a test event now, once; answers how it went. */
  public Future<JsonObject> test(long id) {
    return bus.request(Bus.WEBHOOK_TEST, new JsonObject().put("id", id));
  }

  /** An event for the webhooks, from any verticle: queued by the alerts on the admin verticle, not awaited. */
  public static void fire(Vertx vertx, AlertEvent event, String subject, String summary, JsonObject data) {
    vertx.eventBus().send(Bus.ALERT, new JsonObject().put("event", event.label()).put("subject", subject)
      .put("summary", summary).put("data", data));
  }
}
