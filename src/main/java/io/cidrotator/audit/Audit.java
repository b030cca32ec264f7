package io.cidrotator.audit;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.function.Function;

/** The audit trail on the admin verticle: its pages, and the record of a write that happened in Redis only. */
public final class Audit implements Bus.Handlers {

  private final Pool pg;

  public Audit(Pool pg) {
    this.pg = pg;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.AUDIT_PAGE, query -> AuditLog.page(pg, query),
      Bus.AUDIT_RECORD, this::record);
  }

  /** {@code {action, target, after, actor}}. */
  private Future<JsonObject> record(JsonObject request) {
    return AuditLog.record(pg, Actor.of(request), request.getString("action"), request.getString("target"), null,
        request.getJsonObject("after"))
      .map(new JsonObject());
  }
}
