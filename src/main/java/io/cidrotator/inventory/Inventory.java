package io.cidrotator.inventory;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.Map;
import java.util.function.Function;

/** The inventory as a whole, on the admin verticle: its counts, and reloads of PostgreSQL into Redis. */
public final class Inventory implements Bus.Handlers {

  private final Pool pg;
  private final InventorySync sync;

  public Inventory(Pool pg, InventorySync sync) {
    this.pg = pg;
    this.sync = sync;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.INVENTORY_COUNTS, this::counts,
      Bus.INVENTORY_RELOAD, this::reload);
  }

  /** {@code {total, active}} numbers in PostgreSQL. */
  private Future<JsonObject> counts(JsonObject request) {
    return pg.query(InventorySql.COUNTS)
      .execute()
      .map(rows -> {
        Row row = rows.iterator().next();
        return new JsonObject()
          .put("total", row.getLong("total"))
          .put("active", row.getLong("active"));
      });
  }

  /** {@code {loaded}}. A request naming an actor (an operator's reload) is audited; the server's own are not. */
  private Future<JsonObject> reload(JsonObject request) {
    return sync.loadAll()
      .map(count -> new JsonObject().put("loaded", count))
      .compose(result -> !request.containsKey("actor")
        ? Future.succeededFuture(result)
        : AuditLog.record(pg, Actor.of(request), "inventory.reload", null, null, result).map(result));
  }
}
