package io.cidrotator.inventory;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the inventory messages of the event bus. */
public final class InventoryClient {

  private final Vertx vertx;
  private final DeliveryOptions options;

  public InventoryClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /**
   * Adds a number (fields already validated: caller_id, carrier, area_code, hourly_limit, daily_limit, pool)
   * and puts it in the Redis index before answering; fails 409 when it exists.
   */
  public Future<JsonObject> addNumber(JsonObject number) {
    return request(Bus.ADD_NUMBER, number);
  }

  /** total and active numbers in PostgreSQL. */
  public Future<JsonObject> counts() {
    return request(Bus.INVENTORY_COUNTS, new JsonObject());
  }

  /** Reloads PostgreSQL into Redis; succeeds with the count loaded. */
  public Future<JsonObject> reload() {
    return request(Bus.INVENTORY_RELOAD, new JsonObject());
  }

  /** Reloads PostgreSQL into Redis for an operator (audited); succeeds with the count loaded. */
  public Future<JsonObject> reload(Actor actor) {
    return request(Bus.INVENTORY_RELOAD, new JsonObject().put("actor", actor.toJson()));
  }

  /** Round trip to PostgreSQL: succeeds with the latency in microseconds and the buffered history. */
  public Future<JsonObject> ping() {
    return request(Bus.DATABASE_PING, new JsonObject());
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return Bus.request(vertx, address, body, options);
  }
}
