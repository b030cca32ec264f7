package io.cidrotator.inventory;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.cidrotator.reputation.Health;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import java.util.Map;
import java.util.function.Function;

/** The inventory as a whole, on the admin verticle: its counts, and reloads of PostgreSQL into Redis. */
public final class Inventory implements Bus.Handlers {

  private final Pool pg;
  private final InventorySync sync;
  private final ZoneId timezone;

  public Inventory(Pool pg, InventorySync sync, ZoneId timezone) {
    this.pg = pg;
    this.sync = sync;
    this.timezone = timezone;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.INVENTORY_COUNTS, this::counts,
      Bus.INVENTORY_RELOAD, this::reload);
  }

  /**
   * {@code {total, active, health: {healthy, resting, probation, retired, flagged, rested_today, flagged_today}}}
   * numbers in PostgreSQL ("today": since midnight in the server's TIMEZONE).
   */
  private Future<JsonObject> counts(JsonObject request) {
    OffsetDateTime midnight = LocalDate.now(timezone).atStartOfDay(timezone).toOffsetDateTime();
    return pg.preparedQuery(InventorySql.COUNTS)
      .execute(Tuple.of(midnight))
      .map(rows -> {
        Row row = rows.iterator().next();
        JsonObject health = new JsonObject();
        for (Health state : Health.values()) {
          health.put(state.label(), row.getLong(state.label()));
        }
        return new JsonObject()
          .put("total", row.getLong("total"))
          .put("active", row.getLong("active"))
          .put("health", health
            .put("rested_today", row.getLong("rested_today"))
            .put("flagged_today", row.getLong("flagged_today")));
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
