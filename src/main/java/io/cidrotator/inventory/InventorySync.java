package io.cidrotator.inventory;

import io.cidrotator.AppConfig;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.PruneScript;
import io.cidrotator.redis.RedisKeys;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.redis.SettingsScript;
import io.cidrotator.redis.SyncScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Copies the inventory from PostgreSQL (the source of truth) into the Redis index, for every feature that changes
 * it (caller-IDs, pools and campaigns, CSV imports) and after Redis lost it. Idempotent: live reservations and
 * counts survive a reload, and a reload after a Redis wipe rebuilds everything. Lives on the admin verticle.
 *
 * <p>Owns the reloads Redis needs by itself: when this verticle's connection comes back (an admin write that
 * committed meanwhile answered 503 without reaching the index), and when an allocator finds the index missing
 * (a Redis restarted without its data: {@code InventoryClient#reloadMissingIndex}, the INVENTORY_RELOAD message).
 */
public final class InventorySync {

  private static final Logger LOG = LoggerFactory.getLogger(InventorySync.class);
  private static final int PAGE = 2000;
  private static final int PRUNE_SCAN = 1000;

  private final Pool pg;
  private final ScriptRunner redis;
  private final AppConfig config;
  private Future<Integer> loading;
  private Future<Void> settingsWritten = Future.succeededFuture();
  private Future<?> lastTurn = Future.succeededFuture();

  public InventorySync(Pool pg, ScriptRunner redis, AppConfig config) {
    this.pg = pg;
    this.redis = redis;
    this.config = config;
  }

  /**
   * Reloads whenever {@code redis}'s connection comes back: an admin write that committed while Redis was away
   * answered 503 without reaching the index, and Redis may have restarted empty. Call once, from the owner.
   */
  public void reloadOnReconnect() {
    redis.onRestored(() -> loadAll()
      .onFailure(e -> LOG.warn("Reload after the Redis connection came back failed: {}", e.getMessage())));
  }

  /**
   * Loads the pool and campaign settings and every number, then removes from Redis what PostgreSQL no longer
   * holds. Concurrent calls share one load.
   */
  public Future<Integer> loadAll() {
    if (loading == null) {
      long started = System.nanoTime();
      loading = inTurn(() -> writeSettings()
        .compose(v -> loadFrom(null, "", 0)))
        .compose(count -> prune("0", 0)
          .compose(removed -> markLoaded())
          .map(v -> count))
        .onSuccess(count -> LOG.info("Loaded {} caller-IDs into Redis in {} ms", count,
          (System.nanoTime() - started) / 1_000_000))
        .eventually(() -> {
          loading = null;
          return Future.succeededFuture();
        });
    }
    return loading;
  }

  /** Writes the numbers of {@code pool} to Redis again (its caps changed, or its name); succeeds with how many. */
  public Future<Integer> loadPool(String pool) {
    return inTurn(() -> loadFrom(pool, "", 0));
  }

  /**
   * Runs Redis writes of numbers one after the other, each reading PostgreSQL in its turn. Without it a full
   * load that read a page before an admin write committed could write that page after the admin write,
   * and a number deactivated meanwhile would be back in rotation.
   */
  private <T> Future<T> inTurn(Supplier<Future<T>> write) {
    Future<T> turn = lastTurn.transform(ar -> write.get());
    lastTurn = turn;
    return turn;
  }

  /** Keyset pages of the numbers of {@code pool}, or of every number when it is null. */
  private Future<Integer> loadFrom(String pool, String after, int loaded) {
    return pg.preparedQuery(InventorySql.PAGE_FOR_SYNC)
      .execute(Tuple.of(after, PAGE, pool))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(loaded);
        }
        String last = lastCallerId(rows);
        return writeRows(rows)
          .compose(v -> rows.size() < PAGE
            ? Future.succeededFuture(loaded + rows.size())
            : loadFrom(pool, last, loaded + rows.size()));
      });
  }

  /**
   * Replaces every pool's settings (TTL in ms, fallback) and every campaign's pool in Redis with PostgreSQL's,
   * in one atomic script call: there are few of them. Writes run one after the other, each reading after the
   * one before it wrote, so two admin writes close together cannot leave the older state in Redis.
   */
  public Future<Void> writeSettings() {
    Future<Void> next = settingsWritten.transform(ar -> readAndWriteSettings());
    settingsWritten = next;
    return next;
  }

  private Future<Void> readAndWriteSettings() {
    return Future.all(pg.query(InventorySql.POOL_SETTINGS).execute(), pg.query(InventorySql.CAMPAIGN_POOLS).execute())
      .compose(all -> {
        List<SettingsScript.PoolSettings> pools = new ArrayList<>();
        for (Row pool : all.<RowSet<Row>>resultAt(0)) {
          Integer ttl = pool.getInteger("reservation_ttl");
          pools.add(new SettingsScript.PoolSettings(pool.getString("name"), ttl == null ? null : ttl * 1000L,
            pool.getString("fallback")));
        }
        Map<String, String> campaigns = new LinkedHashMap<>();
        for (Row campaign : all.<RowSet<Row>>resultAt(1)) {
          campaigns.put(campaign.getString("name"), campaign.getString("pool"));
        }
        return SettingsScript.run(redis, new SettingsScript.Args(pools, campaigns));
      })
      .mapEmpty();
  }

  /**
   * Writes the numbers {@code callerIds} to Redis as PostgreSQL holds them now, in turn (a change is written before
   * it is acknowledged); at most a few thousand at a time.
   */
  public Future<Void> writeNumbers(List<String> callerIds) {
    return inTurn(() -> pg.preparedQuery(InventorySql.NUMBERS_FOR_SYNC)
      .execute(Tuple.of(callerIds.toArray(new String[0])))
      .compose(this::writeRows));
  }

  private Future<Void> writeRows(RowSet<Row> rows) {
    long now = System.currentTimeMillis();
    List<SyncScript.Number> numbers = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Integer hourly = row.getInteger("hourly_limit");
      Integer daily = row.getInteger("daily_limit");
      OffsetDateTime lastUsed = row.getOffsetDateTime("last_used");
      numbers.add(new SyncScript.Number(row.getString("caller_id"), row.getString("pool"),
        row.getString("area_code"), row.getString("carrier"),
        hourly == null ? config.hourlyLimit() : hourly, daily == null ? config.dailyLimit() : daily,
        row.getBoolean("is_active"), lastUsed == null ? 0 : lastUsed.toInstant().toEpochMilli()));
    }
    return SyncScript.run(redis, new SyncScript.Args(now, CapWindows.at(now, config.timezone()), numbers))
      .mapEmpty();
  }

  /** Writes one number from PostgreSQL to Redis, after its change committed; a missing row writes nothing. */
  public Future<Void> writeNumber(String callerId) {
    return inTurn(() -> pg.preparedQuery(InventorySql.NUMBER_FOR_SYNC)
      .execute(Tuple.of(callerId))
      .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : writeRows(rows)));
  }

  /** Removes one number PostgreSQL no longer holds from every Redis index (a reservation it has ends). */
  public Future<Void> removeNumber(String callerId) {
    return inTurn(() -> PruneScript.run(redis, new PruneScript.Args(List.of(callerId))).mapEmpty());
  }

  /**
   * Removes from Redis the numbers PostgreSQL no longer holds: each page of the index's member set is
   * checked against the table. Asking PostgreSQL (rather than comparing load generations) stays right
   * when several servers share one Redis and load or add numbers at the same time.
   */
  private Future<Integer> prune(String cursor, int removed) {
    return redis.send(Request.cmd(Command.SSCAN).arg(RedisKeys.ALL).arg(cursor)
        .arg("COUNT").arg(PRUNE_SCAN))
      .compose(scan -> {
        String next = scan.get(0).toString();
        List<String> members = new ArrayList<>();
        scan.get(1).forEach(member -> members.add(member.toString()));
        return removeMissing(members)
          .compose(count -> "0".equals(next)
            ? Future.succeededFuture(removed + count)
            : prune(next, removed + count));
      });
  }

  private Future<Integer> removeMissing(List<String> members) {
    if (members.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pg.preparedQuery(InventorySql.EXISTING_NUMBERS)
      .execute(Tuple.of(members.toArray(new String[0])))
      .compose(rows -> {
        Set<String> existing = new HashSet<>();
        rows.forEach(row -> existing.add(row.getString("caller_id")));
        List<String> missing = members.stream().filter(cid -> !existing.contains(cid)).toList();
        return missing.isEmpty()
          ? Future.succeededFuture(0)
          : PruneScript.run(redis, new PruneScript.Args(missing));
      });
  }

  private Future<Void> markLoaded() {
    return redis.send(Request.cmd(Command.SET)
        .arg(RedisKeys.LOADED)
        .arg(Long.toString(System.currentTimeMillis())))
      .mapEmpty();
  }

  private static String lastCallerId(RowSet<Row> rows) {
    String last = null;
    for (Row row : rows) {
      last = row.getString("caller_id");
    }
    return last;
  }
}
