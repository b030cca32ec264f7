package io.cidrotator.inventory;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the inventory messages of the event bus (counts, reloads). */
public final class InventoryClient {

  private final Bus.Sender bus;
  private boolean reloadAsked;

  public InventoryClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /** total and active numbers in PostgreSQL. */
  public Future<JsonObject> counts() {
    return bus.request(Bus.INVENTORY_COUNTS, new JsonObject());
  }

  /** Reloads PostgreSQL into Redis; succeeds with the count loaded. */
  public Future<JsonObject> reload() {
    return bus.request(Bus.INVENTORY_RELOAD, new JsonObject());
  }

  /** Reloads PostgreSQL into Redis for an operator (audited); succeeds with the count loaded. */
  public Future<JsonObject> reload(Actor actor) {
    return bus.request(Bus.INVENTORY_RELOAD, new JsonObject().put("actor", actor.toJson()));
  }

  /**
   * Asks for a reload because Redis has lost the index (an allocation found no load mark: a Redis restarted
   * without its data). Every allocation meanwhile finds the same, so this client asks once and again only after
   * that reload ended; the admin side also makes concurrent loads one. Use from one event loop.
   */
  public void reloadMissingIndex() {
    if (reloadAsked) {
      return;
    }
    reloadAsked = true;
    reload().onComplete(done -> reloadAsked = false);
  }

}
