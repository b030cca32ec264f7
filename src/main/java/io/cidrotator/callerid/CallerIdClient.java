package io.cidrotator.callerid;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/** The only code that builds or reads the caller-ID admin messages of the bus. */
public final class CallerIdClient {

  /** The orders a page can be sorted in: a column, or with '-' the column descending. */
  public static final Set<String> SORTS = CallerIdSql.ORDERS.keySet();

  private final Bus.Sender bus;

  public CallerIdClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /** A page: {@code query} holds area_code, pool, carrier, active, q, sort, page, size (validated). */
  public Future<JsonObject> list(JsonObject query) {
    return bus.request(Bus.CALLER_ID_LIST, query);
  }

  /** The row plus its live state in Redis; fails 404 when the inventory has no such number. */
  public Future<JsonObject> get(String callerId) {
    return bus.request(Bus.CALLER_ID_GET, new JsonObject().put("caller_id", callerId));
  }

  /** Creates a number (validated fields); fails 409 when it exists, 400 when its pool does not. */
  public Future<JsonObject> create(JsonObject number, Actor actor) {
    return bus.request(Bus.CALLER_ID_CREATE, new JsonObject().put("number", number).put("actor", actor.toJson()));
  }

  /** Changes the fields present in {@code changes}; fails 404 for an unknown number. */
  public Future<JsonObject> update(String callerId, JsonObject changes, Actor actor) {
    return bus.request(Bus.CALLER_ID_UPDATE, new JsonObject()
      .put("caller_id", callerId)
      .put("changes", changes)
      .put("actor", actor.toJson()));
  }

  /** Deactivates the number, or deletes it with {@code purge}; fails 404 for an unknown number. */
  public Future<JsonObject> delete(String callerId, boolean purge, Actor actor) {
    return bus.request(Bus.CALLER_ID_DELETE, new JsonObject()
      .put("caller_id", callerId)
      .put("purge", purge)
      .put("actor", actor.toJson()));
  }

}
