package io.cidrotator.audit;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the audit trail's messages of the event bus. */
public final class AuditClient {

  private final Bus.Sender bus;

  public AuditClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /** A page of the audit trail, newest first (query: before_id, actor, action, target, since, until, limit). */
  public Future<JsonObject> page(JsonObject query) {
    return bus.request(Bus.AUDIT_PAGE, query);
  }

  /**
   * Records an admin write that happened outside PostgreSQL (in Redis: a reservation ended) in the audit trail.
   * Writes to PostgreSQL record themselves, in their own transaction ({@link AuditLog#record}).
   */
  public Future<Void> record(String action, String target, JsonObject after, Actor actor) {
    return bus.request(Bus.AUDIT_RECORD, new JsonObject()
        .put("action", action)
        .put("target", target)
        .put("after", after)
        .put("actor", actor.toJson()))
      .mapEmpty();
  }
}
