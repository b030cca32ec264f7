package io.cidrotator.callerid;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.cidrotator.inventory.InventorySync;
import io.cidrotator.locality.Locality;
import io.cidrotator.locality.Place;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.redis.StateScript;
import io.cidrotator.reputation.Flags;
import io.cidrotator.reputation.HealthReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The caller-ID admin API behind the bus: list, read with live state, create, change, deactivate and
 * purge. Every write commits with its audit row, then reaches the Redis index before it is answered.
 */
public final class CallerIds implements Bus.Handlers {

  private final Pool pg;
  private final ScriptRunner redis;
  private final InventorySync sync;
  private final AppConfig config;

  public CallerIds(Pool pg, ScriptRunner redis, InventorySync sync, AppConfig config) {
    this.pg = pg;
    this.redis = redis;
    this.sync = sync;
    this.config = config;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.CALLER_ID_LIST, this::list,
      Bus.CALLER_ID_GET, this::get,
      Bus.CALLER_ID_CREATE, this::create,
      Bus.CALLER_ID_UPDATE, this::update,
      Bus.CALLER_ID_DELETE, this::delete);
  }

  /** {@code {area_code, pool, carrier, active, q, sort, page, size}} (validated by the router). */
  private Future<JsonObject> list(JsonObject query) {
    int page = query.getInteger("page");
    int size = query.getInteger("size");
    Tuple filter = Tuple.of(query.getString("area_code"), query.getString("pool"), query.getString("carrier"),
      query.getBoolean("active"), query.getString("q"), query.getString("health"));
    Tuple paged = Tuple.of(query.getString("area_code"), query.getString("pool"), query.getString("carrier"),
      query.getBoolean("active"), query.getString("q"), query.getString("health"), size, (long) (page - 1) * size);
    return Future.all(
        pg.preparedQuery(CallerIdSql.COUNT).execute(filter),
        pg.preparedQuery(CallerIdSql.page(query.getString("sort"))).execute(paged),
        pg.query(CallerIdSql.POOL_CAPS).execute())
      .map(all -> {
        Row count = all.<RowSet<Row>>resultAt(0).iterator().next();
        Map<String, Row> pools = poolCaps(all.resultAt(2));
        JsonArray items = new JsonArray();
        all.<RowSet<Row>>resultAt(1).forEach(row -> items.add(withEffectiveCaps(toJson(row), pools)));
        return new JsonObject()
          .put("items", items)
          .put("page", page)
          .put("size", size)
          .put("total", count.getLong("total"));
      });
  }

  /**
   * The row, with where the number is under {@code locality} (null for one the numbering plan data does not place,
   * e.g. toll-free), and under {@code live} what Redis says of it now.
   */
  private Future<JsonObject> get(JsonObject request) {
    String callerId = request.getString("caller_id");
    return Future.all(pg.preparedQuery(CallerIdSql.ONE).execute(Tuple.of(callerId)),
        pg.query(CallerIdSql.POOL_CAPS).execute())
      .compose(all -> {
        RowSet<Row> rows = all.resultAt(0);
        return rows.size() == 0
          ? notFound(callerId)
          : Future.all(StateScript.run(redis, new StateScript.Args(callerId, System.currentTimeMillis())),
              HealthReport.of(pg, rows.iterator().next()))
            .map(both -> withEffectiveCaps(toJson(rows.iterator().next()), poolCaps(all.resultAt(1)))
              .put("locality", locality(callerId))
              .put("live", live(both.resultAt(0)))
              .put("health", both.<JsonObject>resultAt(1)));
      });
  }

  private static JsonObject locality(String callerId) {
    Place place = Locality.nanp().of(callerId);
    return place == null ? null : place.toJson();
  }

  private static Map<String, Row> poolCaps(RowSet<Row> rows) {
    Map<String, Row> pools = new HashMap<>();
    rows.forEach(row -> pools.put(row.getString("name"), row));
    return pools;
  }

  /**
   * The caps an allocation applies, as the sync resolves them: the number's own, else its pool's, else the server's
   * DEFAULT_*; and where each comes from ({@code number}, {@code pool} or {@code default}).
   */
  private JsonObject withEffectiveCaps(JsonObject number, Map<String, Row> pools) {
    Row pool = pools.get(number.getString("pool"));
    effectiveCap(number, "hourly_limit", pool == null ? null : pool.getInteger("hourly_limit"), config.hourlyLimit());
    effectiveCap(number, "daily_limit", pool == null ? null : pool.getInteger("daily_limit"), config.dailyLimit());
    return number;
  }

  private static void effectiveCap(JsonObject number, String cap, Integer poolCap, int serverDefault) {
    Integer own = number.getInteger(cap);
    number.put("effective_" + cap, own != null ? own : poolCap != null ? poolCap : serverDefault)
      .put(cap + "_from", own != null ? "number" : poolCap != null ? "pool" : "default");
  }

  /**
   * {@code {number: {caller_id, carrier, area_code, hourly_limit, daily_limit, active, pool, meta, prefixes}, actor}};
   * the
   * old tool's {@code /add-number} comes this way too. A duplicate is a 409, but first the existing row is written
   * to Redis again: when an earlier create committed in PostgreSQL and then failed to reach Redis (503), its
   * retry is what repairs the index.
   */
  private Future<JsonObject> create(JsonObject request) {
    JsonObject n = request.getJsonObject("number");
    Tuple params = Tuple.of(n.getString("caller_id"), n.getString("carrier"), n.getString("area_code"),
      n.getInteger("hourly_limit"), n.getInteger("daily_limit"), n.getBoolean("active", true),
      n.getString("pool", "default"), n.getJsonObject("meta", new JsonObject()))
      .addArrayOfString(prefixes(n.getJsonArray("prefixes", new JsonArray())));
    return pg.withTransaction(tx -> tx.preparedQuery(CallerIdSql.INSERT)
        .execute(params)
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((JsonObject) null);
          }
          JsonObject created = toJson(rows.iterator().next());
          return audit(tx, request, "caller_id.create", null, created);
        }))
      .recover(CallerIds::constraintFailure)
      .compose(created -> sync.writeNumber(n.getString("caller_id"))
        .compose(v -> created != null
          ? Future.succeededFuture(created)
          : Future.failedFuture(new Bus.Failure(409, "caller_id " + n.getString("caller_id") + " already exists"))));
  }

  /**
   * {@code {caller_id, changes, actor}}: {@code changes} holds only the fields to change (carrier, hourly_limit,
   * daily_limit, active, pool, meta, prefixes, health_state: healthy); a limit of null goes back to the default.
   */
  private Future<JsonObject> update(JsonObject request) {
    String callerId = request.getString("caller_id");
    JsonObject c = request.getJsonObject("changes");
    Tuple params = Tuple.of(callerId,
      c.containsKey("carrier"), c.getString("carrier"),
      c.containsKey("hourly_limit"), c.getInteger("hourly_limit"),
      c.containsKey("daily_limit"), c.getInteger("daily_limit"),
      c.getBoolean("active"), c.getString("pool"), c.getJsonObject("meta"))
      .addArrayOfString(c.containsKey("prefixes") ? prefixes(c.getJsonArray("prefixes")) : null)
      .addBoolean(c.containsKey("health_state"));
    return pg.withTransaction(tx -> tx.preparedQuery(CallerIdSql.LOCK_ONE)
        .execute(Tuple.of(callerId))
        .compose(before -> before.size() == 0
          ? notFound(callerId)
          : tx.preparedQuery(CallerIdSql.UPDATE)
            .execute(params)
            .compose(after -> endFlagsIfMadeHealthy(tx, request).map(after))
            .compose(after -> audit(tx, request, "caller_id.update", toJson(before.iterator().next()),
              toJson(after.iterator().next())))))
      .recover(CallerIds::constraintFailure)
      .compose(updated -> sync.writeNumber(callerId).map(updated));
  }

  /** A number an admin made healthy has no open spam flag left: they end, kept in its flag history. */
  private static Future<Void> endFlagsIfMadeHealthy(SqlConnection tx, JsonObject request) {
    if (!request.getJsonObject("changes").containsKey("health_state")) {
      return Future.succeededFuture();
    }
    return Flags.endOpen(tx, request.getString("caller_id"), Actor.of(request).subject(), "made healthy").mapEmpty();
  }

  /** {@code {caller_id, purge, actor}}: deactivates, or with purge deletes the row (history keeps it). */
  private Future<JsonObject> delete(JsonObject request) {
    String callerId = request.getString("caller_id");
    boolean purge = request.getBoolean("purge", false);
    return pg.withTransaction(tx -> tx.preparedQuery(CallerIdSql.LOCK_ONE)
        .execute(Tuple.of(callerId))
        .compose(before -> {
          if (before.size() == 0) {
            return notFound(callerId);
          }
          JsonObject old = toJson(before.iterator().next());
          return purge
            ? tx.preparedQuery(CallerIdSql.DELETE).execute(Tuple.of(callerId))
              .compose(v -> audit(tx, request, "caller_id.purge", old, null))
              .map(v -> new JsonObject().put("caller_id", callerId).put("purged", true))
            : tx.preparedQuery(CallerIdSql.DEACTIVATE).execute(Tuple.of(callerId))
              .compose(after -> audit(tx, request, "caller_id.deactivate", old, toJson(after.iterator().next())));
        }))
      .compose(result -> (purge ? sync.removeNumber(callerId) : sync.writeNumber(callerId)).map(result));
  }

  private static Future<JsonObject> audit(SqlConnection tx, JsonObject request, String action, JsonObject before,
                                          JsonObject after) {
    String target = after != null ? after.getString("caller_id") : before.getString("caller_id");
    return AuditLog.record(tx, Actor.of(request), action, target, before, after)
      .map(v -> after != null ? after : before);
  }

  private static Future<JsonObject> notFound(String callerId) {
    return Future.failedFuture(new Bus.Failure(404, "caller_id " + callerId + " is not in the inventory"));
  }

  /** The table's constraints speak for the fields the router cannot check alone (the pool must exist). */
  private static Future<JsonObject> constraintFailure(Throwable e) {
    if (e instanceof PgException pg && "23503".equals(pg.getSqlState())) {
      return Future.failedFuture(new Bus.Failure(400, "pool: no such pool (create it under /api/pools first)"));
    }
    return Future.failedFuture(e);
  }

  private JsonObject live(StateScript.Reply state) {
    if (state == null) {
      return new JsonObject().put("state", "not_loaded");
    }
    CapWindows now = CapWindows.at(System.currentTimeMillis(), config.timezone());
    JsonObject live = new JsonObject()
      .put("state", state.state())
      .put("uses_this_hour", now.hourId().equals(state.hourWindow()) ? state.hourCount() : 0)
      .put("hourly_limit", state.hourlyLimit())
      .put("uses_today", now.dayId().equals(state.dayWindow()) ? state.dayCount() : 0)
      .put("daily_limit", state.dailyLimit())
      .put("last_used", time(state.lastUse()))
      .put("capped_until", "capped".equals(state.state()) ? time(state.until()) : null);
    if ("reserved".equals(state.state())) {
      StateScript.Reservation r = state.reservation();
      live.put("reservation", new JsonObject()
        .put("id", r.id())
        .put("campaign", r.campaign())
        .put("agent", r.agent())
        .put("destination", r.destination())
        .put("tier", r.tier())
        .put("reserved_at", time(r.reservedAt()))
        .put("expires_at", time(state.until())));
    } else {
      live.putNull("reservation");
    }
    return live;
  }

  private static String time(Long epochMs) {
    return epochMs == null ? null : Instant.ofEpochMilli(epochMs).toString();
  }

  /** The one JSON shape of a caller_ids row (the old tool's fields, plus pool). */
  private static JsonObject toJson(Row row) {
    return new JsonObject()
      .put("caller_id", row.getString("caller_id"))
      .put("carrier", row.getString("carrier"))
      .put("area_code", row.getString("area_code"))
      .put("hourly_limit", row.getInteger("hourly_limit"))
      .put("daily_limit", row.getInteger("daily_limit"))
      .put("last_used", text(row.getOffsetDateTime("last_used")))
      .put("is_active", row.getBoolean("is_active"))
      .put("meta", row.getJsonObject("meta"))
      .put("pool", row.getString("pool"))
      .put("prefixes", new JsonArray(List.of(row.getArrayOfStrings("prefixes"))))
      .put("health_state", row.getString("health"))
      .put("created_at", text(row.getOffsetDateTime("created_at")))
      .put("updated_at", text(row.getOffsetDateTime("updated_at")));
  }

  private static String[] prefixes(JsonArray prefixes) {
    return prefixes.stream().map(String.class::cast).toArray(String[]::new);
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toString();
  }
}
