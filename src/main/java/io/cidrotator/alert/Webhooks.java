package io.cidrotator.alert;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The webhook targets behind the bus: list, read, create, change, delete (each audited, the secret never in the
 * audit trail), a target's delivery log, and its test button. Every change hands the new list of targets to
 * {@code changed} (the alerts' copy, which they use even while PostgreSQL is away).
 */
final class Webhooks implements Bus.Handlers {

  private final Pool pg;
  private final Deliveries deliveries;
  private final Consumer<List<WebhookTarget>> changed;

  Webhooks(Pool pg, Deliveries deliveries, Consumer<List<WebhookTarget>> changed) {
    this.pg = pg;
    this.deliveries = deliveries;
    this.changed = changed;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.WEBHOOK_LIST, request -> pg.query(WebhookSql.LIST).execute().map(rows -> Bus.items(rows,
        WebhookTarget::toJson)),
      Bus.WEBHOOK_GET, request -> one(request.getLong("id")).map(WebhookTarget::toJson),
      Bus.WEBHOOK_CREATE, this::create,
      Bus.WEBHOOK_UPDATE, this::update,
      Bus.WEBHOOK_DELETE, this::delete,
      Bus.WEBHOOK_DELIVERIES, this::deliveries,
      Bus.WEBHOOK_TEST, request -> one(request.getLong("id"))
        .compose(row -> deliveries.test(WebhookTarget.of(row), Instant.now())));
  }

  /** Every target, for the alerts' copy. */
  Future<List<WebhookTarget>> targets() {
    return pg.query(WebhookSql.LIST).execute().map(rows -> {
      List<WebhookTarget> targets = new ArrayList<>();
      rows.forEach(row -> targets.add(WebhookTarget.of(row)));
      return targets;
    });
  }

  private Future<Row> one(long id) {
    return pg.preparedQuery(WebhookSql.ONE).execute(Tuple.of(id))
      .compose(rows -> rows.size() == 0 ? Future.failedFuture(notFound(id))
        : Future.succeededFuture(rows.iterator().next()));
  }

  /** {@code {webhook: {url, secret, events, conditions, description, active}, secret_generated, actor}}. */
  private Future<JsonObject> create(JsonObject request) {
    JsonObject w = request.getJsonObject("webhook");
    Tuple params = Tuple.of(w.getString("url"), w.getString("secret"),
      w.getJsonArray("events").stream().map(String.class::cast).toArray(String[]::new),
      w.getJsonObject("conditions", new JsonObject()), w.getString("description"), w.getBoolean("active", true));
    return pg.withTransaction(tx -> tx.preparedQuery(WebhookSql.INSERT).execute(params)
        .compose(rows -> {
          JsonObject created = WebhookTarget.toJson(rows.iterator().next());
          return AuditLog.record(tx, Actor.of(request), "webhook.create", created.getLong("id").toString(), null,
            audited(created)).map(created);
        }))
      .compose(created -> refreshed().map(created))
      .map(created -> request.getBoolean("secret_generated", false)
        ? created.put("secret", w.getString("secret")) : created);
  }

  /** {@code {id, changes, actor}}: {@code changes} holds only the fields to change, checked. */
  private Future<JsonObject> update(JsonObject request) {
    long id = request.getLong("id");
    JsonObject c = request.getJsonObject("changes");
    Tuple params = Tuple.of(id, c.getString("url"), c.getString("secret"),
      c.containsKey("events") ? c.getJsonArray("events").stream().map(String.class::cast).toArray(String[]::new)
        : null,
      c.getJsonObject("conditions", new JsonObject()), c.containsKey("description"), c.getBoolean("active"),
      c.getString("description"));
    return pg.withTransaction(tx -> tx.preparedQuery(WebhookSql.ONE).execute(Tuple.of(id))
        .compose(before -> before.size() == 0 ? Future.failedFuture(notFound(id))
          : tx.preparedQuery(WebhookSql.UPDATE).execute(params)
            .compose(after -> Boolean.FALSE.equals(c.getBoolean("active"))
              ? tx.preparedQuery(WebhookSql.DROP_PENDING).execute(Tuple.of(id)).map(after)
              : Future.succeededFuture(after))
            .compose(after -> {
              JsonObject updated = WebhookTarget.toJson(after.iterator().next());
              return AuditLog.record(tx, Actor.of(request), "webhook.update", Long.toString(id),
                audited(WebhookTarget.toJson(before.iterator().next())), audited(updated)
                  .put("secret_changed", c.containsKey("secret"))).map(updated);
            })))
      .compose(updated -> refreshed().map(updated));
  }

  private Future<JsonObject> delete(JsonObject request) {
    long id = request.getLong("id");
    return pg.withTransaction(tx -> tx.preparedQuery(WebhookSql.DELETE).execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(notFound(id))
          : AuditLog.record(tx, Actor.of(request), "webhook.delete", Long.toString(id),
            audited(WebhookTarget.toJson(rows.iterator().next())), null)))
      .compose(v -> refreshed())
      .map(v -> new JsonObject().put("id", id).put("deleted", true));
  }

  /** {@code {id, limit}}: the target's deliveries, newest first. */
  private Future<JsonObject> deliveries(JsonObject request) {
    long id = request.getLong("id");
    return one(id)
      .compose(row -> pg.preparedQuery(WebhookSql.DELIVERIES).execute(Tuple.of(id, request.getInteger("limit"))))
      .map(Webhooks::deliveriesJson);
  }

  private static JsonObject deliveriesJson(RowSet<Row> rows) {
    JsonArray items = new JsonArray();
    for (Row row : rows) {
      items.add(new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("event", row.getString("event"))
        .put("subject", row.getString("subject"))
        .put("payload", row.getJsonObject("payload"))
        .put("status", row.getString("status"))
        .put("attempts", row.getInteger("attempts"))
        .put("last_status_code", row.getInteger("last_status_code"))
        .put("last_error", row.getString("last_error"))
        .put("created_at", row.getOffsetDateTime("created_at").toString())
        .put("next_attempt_at", "pending".equals(row.getString("status"))
          ? row.getOffsetDateTime("next_attempt_at").toString() : null)
        .put("delivered_at", row.getOffsetDateTime("delivered_at") == null ? null
          : row.getOffsetDateTime("delivered_at").toString()));
    }
    return new JsonObject().put("items", items);
  }

  private Future<Void> refreshed() {
    return targets().onSuccess(changed::accept).<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * What the audit trail keeps of a target: no secret, and of its URL only the scheme and host (a chat service's
   * webhook URL is itself a secret).
   */
  private static JsonObject audited(JsonObject webhook) {
    URI uri = URI.create(webhook.getString("url"));
    return webhook.copy().put("url", uri.getScheme() + "://" + uri.getHost() + "/...");
  }

  private static Bus.Failure notFound(long id) {
    return new Bus.Failure(404, "webhook " + id + " does not exist");
  }
}
