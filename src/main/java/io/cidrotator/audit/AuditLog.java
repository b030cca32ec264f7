package io.cidrotator.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/**
 * The audit trail of admin writes. {@link #record} takes the connection of the write's own transaction,
 * so a change and its audit row commit together or not at all.
 */
public final class AuditLog {

  private AuditLog() {
  }

  /** Records one write: {@code action} like {@code caller_id.update}, {@code target} the thing changed. */
  public static Future<Void> record(SqlClient tx, Actor actor, String action, String target, JsonObject before,
                                    JsonObject after) {
    return tx.preparedQuery(AuditSql.INSERT)
      .execute(Tuple.of(actor.subject(), actor.role(), action, target, before, after, actor.remote()))
      .mapEmpty();
  }

  /**
   * A page of the trail, newest first. {@code query}: optional before_id (keyset cursor), actor, action,
   * target, since, until (ISO-8601), limit. Answers {@code {items, next_before_id}}.
   */
  public static Future<JsonObject> page(SqlClient pg, JsonObject query) {
    int limit = query.getInteger("limit", 100);
    return pg.preparedQuery(AuditSql.PAGE)
      .execute(Tuple.of(
        query.getLong("before_id"),
        query.getString("actor"),
        query.getString("action"),
        query.getString("target"),
        time(query.getString("since")),
        time(query.getString("until")),
        limit))
      .map(rows -> {
        JsonArray items = new JsonArray();
        Long lastId = null;
        for (Row row : rows) {
          items.add(toJson(row));
          lastId = row.getLong("id");
        }
        return new JsonObject()
          .put("items", items)
          .put("next_before_id", rows.size() == limit ? lastId : null);
      });
  }

  static JsonObject toJson(Row row) {
    return new JsonObject()
      .put("id", row.getLong("id"))
      .put("at", row.getOffsetDateTime("at").toString())
      .put("actor", row.getString("actor"))
      .put("role", row.getString("role"))
      .put("action", row.getString("action"))
      .put("target", row.getString("target"))
      .put("before", (JsonObject) row.getValue("before"))
      .put("after", (JsonObject) row.getValue("after"))
      .put("remote", row.getString("remote"));
  }

  private static OffsetDateTime time(String iso) {
    return iso == null ? null : OffsetDateTime.parse(iso);
  }
}
