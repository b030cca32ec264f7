package io.cidrotator.pool;

import io.cidrotator.Bus;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.cidrotator.inventory.InventorySync;
import io.cidrotator.redis.PoolCountsScript;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.reputation.Health;
import io.cidrotator.reputation.HealthSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Pools (named sets of numbers with their own TTL, default caps, tiers and strategy) and the campaigns mapped onto
 * them, on the admin verticle. Every write commits with its audit row, then reaches Redis before it answers:
 * the settings of every pool and campaign (settings.lua), and the numbers of a pool whose caps or name changed.
 */
public final class Pools implements Bus.Handlers {

  private static final String DEFAULT_POOL = PoolClient.DEFAULT_POOL;
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final Pool pg;
  private final ScriptRunner redis;
  private final InventorySync sync;

  public Pools(Pool pg, ScriptRunner redis, InventorySync sync) {
    this.pg = pg;
    this.redis = redis;
    this.sync = sync;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.ofEntries(
      Map.entry(Bus.POOL_LIST, this::listPools),
      Map.entry(Bus.POOL_GET, this::pool),
      Map.entry(Bus.POOL_CREATE, this::createPool),
      Map.entry(Bus.POOL_UPDATE, this::updatePool),
      Map.entry(Bus.POOL_DELETE, this::deletePool),
      Map.entry(Bus.CAMPAIGN_LIST, this::listCampaigns),
      Map.entry(Bus.CAMPAIGN_GET, this::campaign),
      Map.entry(Bus.CAMPAIGN_CREATE, this::createCampaign),
      Map.entry(Bus.CAMPAIGN_PUT, this::putCampaign),
      Map.entry(Bus.CAMPAIGN_DELETE, this::deleteCampaign));
  }

  private Future<JsonObject> listPools(JsonObject request) {
    return pg.query(PoolSql.LIST_POOLS)
      .execute()
      .map(rows -> Bus.items(rows, Pools::poolJson));
  }

  /** One pool with where its numbers are: counts from PostgreSQL, and available/reserved/capped from Redis. */
  private Future<JsonObject> pool(JsonObject request) {
    String name = request.getString("name");
    return one(pg, PoolSql.POOL, name, Pools::poolJson)
      .compose(pool -> pool == null
        ? Future.failedFuture(unknownPool(name))
        : Future.all(pg.preparedQuery(PoolSql.POOL_COUNTS).execute(Tuple.of(name)), liveCounts(name))
          .map(all -> pool.put("counts", counts(all.<RowSet<Row>>resultAt(0).iterator().next(), all.resultAt(1)))));
  }

  private Future<JsonArray> liveCounts(String pool) {
    return PoolCountsScript.run(redis, new PoolCountsScript.Args(pool, System.currentTimeMillis()))
      .map(reply -> new JsonArray().add(reply.available()).add(reply.reserved()).add(reply.capped()));
  }

  private static JsonObject counts(Row pg, JsonArray redis) {
    return new JsonObject()
      .put("numbers", pg.getLong("numbers"))
      .put("active", pg.getLong("active"))
      .put("campaigns", pg.getLong("campaigns"))
      .put("available", redis.getLong(0))
      .put("reserved", redis.getLong(1))
      .put("capped", redis.getLong(2))
      .put("health", healthCounts(pg.getJsonObject("health")));
  }

  /** The pool's numbers in each state of the rest ladder, every state named (0 when none). */
  private static JsonObject healthCounts(JsonObject counted) {
    JsonObject counts = new JsonObject();
    for (Health state : Health.values()) {
      counts.put(state.label(), counted.getLong(state.label(), 0L));
    }
    return counts;
  }

  /**
   * {@code pool}: name, reservation_ttl, hourly_limit, daily_limit, tiers, strategy, sticky_days, description,
   * calling_window,
   * calling_window_by_region (validated).
   */
  private Future<JsonObject> createPool(JsonObject request) {
    JsonObject pool = request.getJsonObject("pool");
    String name = pool.getString("name");
    Tuple params = Tuple.of(name, pool.getInteger("reservation_ttl"), pool.getInteger("hourly_limit"),
      pool.getInteger("daily_limit"), pool.getString("tiers"), pool.getString("description"))
      .addString(pool.getString("calling_window"))
      .addJsonObject(pool.getJsonObject("calling_window_by_region", new JsonObject()))
      .addString(pool.getString("strategy"))
      .addInteger(pool.getInteger("sticky_days"))
      .addJsonObject(pool.getJsonObject("health", new JsonObject()));
    return pg.withTransaction(tx -> tx.preparedQuery(PoolSql.INSERT_POOL)
        .execute(params)
        .compose(rows -> created(tx, request, rows, "pool", name, Pools::poolJson)))
      .compose(created -> sync.writeSettings().map(created));
  }

  /**
   * {@code changes}: any of name (a rename), reservation_ttl, hourly_limit, daily_limit, tiers, strategy,
   * sticky_days, description, calling_window, calling_window_by_region; null resets a setting to the server's
   * default. New caps, a new strategy or a new name re-sync the pool's numbers.
   */
  private Future<JsonObject> updatePool(JsonObject request) {
    String name = request.getString("name");
    JsonObject changes = request.getJsonObject("changes");
    return pg.withTransaction(tx -> one(tx, PoolSql.POOL_FOR_UPDATE, name, Pools::poolJson)
        .compose(before -> {
          if (before == null) {
            return Future.failedFuture(unknownPool(name));
          }
          JsonObject after = before.copy().mergeIn(changes);
          JsonObject health = changes.getJsonObject("health", new JsonObject());
          String newName = after.getString("name");
          if (DEFAULT_POOL.equals(name) && !DEFAULT_POOL.equals(newName)) {
            return Future.failedFuture(new Bus.Failure(409, "the default pool cannot be renamed"));
          }
          return tx.preparedQuery(PoolSql.UPDATE_POOL)
            .execute(Tuple.of(name, newName, after.getInteger("reservation_ttl"), after.getInteger("hourly_limit"),
              after.getInteger("daily_limit"), after.getString("tiers"), after.getString("description"))
              .addString(after.getString("calling_window"))
              .addJsonObject(after.getJsonObject("calling_window_by_region"))
              .addString(after.getString("strategy"))
              .addInteger(after.getInteger("sticky_days"))
              .addJsonObject(health))
            .recover(e -> Future.failedFuture(isViolation(e, UNIQUE_VIOLATION)
              ? new Bus.Failure(409, "pool '" + newName + "' already exists") : e))
            .compose(rows -> audited(tx, request, "pool.update", name, before, poolJson(rows.iterator().next())))
            .map(updated -> new JsonObject().put("before", before).put("after", updated));
        }))
      .compose(change -> toRedis(change.getJsonObject("before"), change.getJsonObject("after"))
        .map(change.getJsonObject("after")));
  }

  /**
   * Every setting is written, then the numbers of a renamed pool, or of one whose caps, strategy or probation cap
   * changed, are written again (a number's score follows the strategy Redis holds for its pool: sync.lua).
   */
  private Future<Void> toRedis(JsonObject before, JsonObject after) {
    boolean numbersChange = !before.getString("name").equals(after.getString("name"))
      || !Objects.equals(before.getInteger("hourly_limit"), after.getInteger("hourly_limit"))
      || !Objects.equals(before.getInteger("daily_limit"), after.getInteger("daily_limit"))
      || !before.getString("strategy").equals(after.getString("strategy"))
      || !before.getJsonObject("health").getInteger("probation_hourly_limit")
        .equals(after.getJsonObject("health").getInteger("probation_hourly_limit"));
    return sync.writeSettings()
      .compose(v -> numbersChange ? sync.loadPool(after.getString("name")).<Void>mapEmpty() : Future.succeededFuture());
  }

  /** Only an empty pool goes: a pool that still has numbers or campaigns is a 409 saying how many. */
  private Future<JsonObject> deletePool(JsonObject request) {
    String name = request.getString("name");
    if (DEFAULT_POOL.equals(name)) {
      return Future.failedFuture(new Bus.Failure(409, "the default pool cannot be deleted"));
    }
    return pg.withTransaction(tx -> one(tx, PoolSql.POOL_FOR_UPDATE, name, Pools::poolJson)
        .compose(before -> before == null
          ? Future.failedFuture(unknownPool(name))
          : tx.preparedQuery(PoolSql.POOL_COUNTS).execute(Tuple.of(name))
            .compose(rows -> refuseUnlessEmpty(name, rows.iterator().next()))
            .compose(v -> tx.preparedQuery(PoolSql.DELETE_POOL).execute(Tuple.of(name)))
            .compose(v -> audited(tx, request, "pool.delete", name, before, null))
            .map(before)))
      .compose(deleted -> sync.writeSettings().map(new JsonObject().put("deleted", deleted)));
  }

  private static Future<Void> refuseUnlessEmpty(String name, Row counts) {
    long numbers = counts.getLong("numbers");
    long campaigns = counts.getLong("campaigns");
    if (numbers == 0 && campaigns == 0) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(new Bus.Failure(409, "pool '" + name + "' still has " + numbers + " numbers and "
      + campaigns + " campaigns: move or delete them first"));
  }

  private Future<JsonObject> listCampaigns(JsonObject request) {
    return pg.query(PoolSql.LIST_CAMPAIGNS)
      .execute()
      .map(rows -> Bus.items(rows, Pools::campaignJson));
  }

  private Future<JsonObject> campaign(JsonObject request) {
    String name = request.getString("name");
    return one(pg, PoolSql.CAMPAIGN, name, Pools::campaignJson)
      .compose(campaign -> campaign == null
        ? Future.failedFuture(unknownCampaign(name))
        : Future.succeededFuture(campaign));
  }

  /** {@code campaign}: name, pool, description (validated); 409 when the campaign is mapped already. */
  private Future<JsonObject> createCampaign(JsonObject request) {
    JsonObject campaign = request.getJsonObject("campaign");
    String name = campaign.getString("name");
    return pg.withTransaction(tx -> tx.preparedQuery(PoolSql.INSERT_CAMPAIGN)
        .execute(campaignParams(campaign))
        .recover(e -> Future.failedFuture(unknownPoolIfMissing(e, campaign)))
        .compose(rows -> created(tx, request, rows, "campaign", name, Pools::campaignJson)))
      .compose(created -> sync.writeSettings().map(created));
  }

  /** Creates or replaces the mapping of {@code campaign} (name, pool, description). */
  private Future<JsonObject> putCampaign(JsonObject request) {
    JsonObject campaign = request.getJsonObject("campaign");
    String name = campaign.getString("name");
    return pg.withTransaction(tx -> one(tx, PoolSql.CAMPAIGN_FOR_UPDATE, name, Pools::campaignJson)
        .compose(before -> tx.preparedQuery(PoolSql.UPSERT_CAMPAIGN)
          .execute(campaignParams(campaign))
          .recover(e -> Future.failedFuture(unknownPoolIfMissing(e, campaign)))
          .compose(rows -> audited(tx, request, before == null ? "campaign.create" : "campaign.update", name, before,
            campaignJson(rows.iterator().next())))))
      .compose(mapped -> sync.writeSettings().map(mapped));
  }

  /** Removes a mapping: the campaign goes back to the default pool. */
  private Future<JsonObject> deleteCampaign(JsonObject request) {
    String name = request.getString("name");
    return pg.withTransaction(tx -> one(tx, PoolSql.CAMPAIGN_FOR_UPDATE, name, Pools::campaignJson)
        .compose(before -> before == null
          ? Future.failedFuture(unknownCampaign(name))
          : tx.preparedQuery(PoolSql.DELETE_CAMPAIGN).execute(Tuple.of(name))
            .compose(v -> audited(tx, request, "campaign.delete", name, before, null))
            .map(before)))
      .compose(deleted -> sync.writeSettings().map(new JsonObject().put("deleted", deleted)));
  }

  private static Tuple campaignParams(JsonObject campaign) {
    return Tuple.of(campaign.getString("name"), campaign.getString("pool"), campaign.getString("description"));
  }

  /**
   * Audits the row an INSERT ... ON CONFLICT DO NOTHING returned, as {@code kind}.create; no row means the
   * name was taken: 409.
   */
  private static Future<JsonObject> created(SqlClient tx, JsonObject request, RowSet<Row> rows, String kind,
                                            String name, Function<Row, JsonObject> toJson) {
    if (rows.size() == 0) {
      return Future.failedFuture(new Bus.Failure(409, kind + " '" + name + "' already exists"));
    }
    return audited(tx, request, kind + ".create", name, null, toJson.apply(rows.iterator().next()));
  }

  /** Records the write in the audit trail, in its transaction; succeeds with {@code after}. */
  private static Future<JsonObject> audited(SqlClient tx, JsonObject request, String action, String target,
                                            JsonObject before, JsonObject after) {
    return AuditLog.record(tx, Actor.of(request), action, target, before, after).map(after);
  }

  /** The row {@code sql} finds for {@code name} as JSON; null when there is none. */
  private static Future<JsonObject> one(SqlClient client, String sql, String name, Function<Row, JsonObject> toJson) {
    return client.preparedQuery(sql)
      .execute(Tuple.of(name))
      .map(rows -> rows.size() == 0 ? null : toJson.apply(rows.iterator().next()));
  }

  private static Throwable unknownPoolIfMissing(Throwable e, JsonObject campaign) {
    return isViolation(e, FOREIGN_KEY_VIOLATION) ? unknownPool(campaign.getString("pool")) : e;
  }

  private static boolean isViolation(Throwable e, String sqlState) {
    return e instanceof PgException pg && sqlState.equals(pg.getSqlState());
  }

  private static Bus.Failure unknownPool(String name) {
    return new Bus.Failure(404, "pool '" + name + "' does not exist");
  }

  private static Bus.Failure unknownCampaign(String name) {
    return new Bus.Failure(404, "campaign '" + name + "' has no mapping (it uses the default pool)");
  }

  /** The one JSON shape of a pools row; NULL settings mean the server's defaults. */
  private static JsonObject poolJson(Row row) {
    return new JsonObject()
      .put("name", row.getString("name"))
      .put("reservation_ttl", row.getInteger("reservation_ttl"))
      .put("hourly_limit", row.getInteger("hourly_limit"))
      .put("daily_limit", row.getInteger("daily_limit"))
      .put("tiers", row.getString("tiers"))
      .put("strategy", row.getString("strategy"))
      .put("sticky_days", row.getInteger("sticky_days"))
      .put("description", row.getString("description"))
      .put("calling_window", row.getString("calling_window"))
      .put("calling_window_by_region", row.getJsonObject("calling_window_by_region"))
      .put("health", HealthSettings.of(row.getJsonObject("health")).toJson())
      .put("created_at", row.getOffsetDateTime("created_at").toString())
      .put("updated_at", row.getOffsetDateTime("updated_at").toString());
  }

  /** The one JSON shape of a campaigns row. */
  private static JsonObject campaignJson(Row row) {
    return new JsonObject()
      .put("name", row.getString("name"))
      .put("pool", row.getString("pool"))
      .put("description", row.getString("description"))
      .put("created_at", row.getOffsetDateTime("created_at").toString())
      .put("updated_at", row.getOffsetDateTime("updated_at").toString());
  }
}
