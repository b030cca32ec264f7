package io.cidrotator.inventory;

import io.cidrotator.AppConfig;
import io.cidrotator.allocation.AllocatorVerticle;
import io.cidrotator.allocation.CapWindows;
import io.cidrotator.redis.LuaScript;
import io.cidrotator.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the inventory from PostgreSQL (the source of truth) into the Redis index. Idempotent: live
 * reservations and counts survive a reload, and a reload after a Redis wipe rebuilds everything.
 */
final class InventorySync {

  private static final Logger LOG = LoggerFactory.getLogger(InventorySync.class);
  private static final List<String> KEYS = List.of(AllocatorVerticle.KEY_PREFIX);
  private static final int PAGE = 2000;
  private static final int PRUNE_SCAN = 1000;

  private final Pool pg;
  private final ScriptRunner redis;
  private final AppConfig config;
  private Future<Integer> loading;
  private String generation = "0";

  InventorySync(Pool pg, ScriptRunner redis, AppConfig config) {
    this.pg = pg;
    this.redis = redis;
    this.config = config;
  }

  /** Loads every number, then removes from Redis what PostgreSQL no longer holds. Concurrent calls share one load. */
  Future<Integer> loadAll() {
    if (loading == null) {
      long started = System.nanoTime();
      // Single writes made while this load runs carry its generation too, so prune keeps them.
      generation = Long.toString(System.currentTimeMillis());
      loading = loadFrom("", generation, 0)
        .compose(count -> prune(generation, "0", 0)
          .compose(removed -> markLoaded(generation))
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

  private Future<Integer> loadFrom(String after, String generation, int loaded) {
    return pg.preparedQuery(InventorySql.PAGE_FOR_SYNC)
      .execute(Tuple.of(after, PAGE))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(loaded);
        }
        String last = lastCallerId(rows);
        return write(rows, generation)
          .compose(v -> rows.size() < PAGE
            ? Future.succeededFuture(loaded + rows.size())
            : loadFrom(last, generation, loaded + rows.size()));
      });
  }

  /** Writes changed rows (in PAGE_FOR_SYNC's columns) to Redis before the change is acknowledged. */
  Future<Void> write(RowSet<Row> rows) {
    return write(rows, generation);
  }

  private Future<Void> write(RowSet<Row> rows, String generation) {
    long now = System.currentTimeMillis();
    CapWindows w = CapWindows.at(now, config.timezone());
    List<String> args = new ArrayList<>(6 + rows.size() * 8);
    args.add(Long.toString(now));
    args.add(w.hourId());
    args.add(Long.toString(w.hourEnd()));
    args.add(w.dayId());
    args.add(Long.toString(w.dayEnd()));
    args.add(generation);
    for (Row row : rows) {
      Integer hourly = row.getInteger("hourly_limit");
      Integer daily = row.getInteger("daily_limit");
      OffsetDateTime lastUsed = row.getOffsetDateTime("last_used");
      args.add(row.getString("caller_id"));
      args.add(row.getString("pool"));
      args.add(row.getString("area_code"));
      args.add(row.getString("carrier") == null ? "" : row.getString("carrier"));
      args.add(Integer.toString(hourly == null ? config.hourlyLimit() : hourly));
      args.add(Integer.toString(daily == null ? config.dailyLimit() : daily));
      args.add(row.getBoolean("is_active") ? "1" : "0");
      args.add(lastUsed == null ? "0" : Long.toString(lastUsed.toInstant().toEpochMilli()));
    }
    return redis.run(LuaScript.SYNC, KEYS, args).mapEmpty();
  }

  private Future<Integer> prune(String generation, String cursor, int removed) {
    return redis.run(LuaScript.PRUNE, KEYS, List.of(generation, cursor, Integer.toString(PRUNE_SCAN)))
      .compose(reply -> {
        String next = reply.get(0).toString();
        int total = removed + reply.get(1).toInteger();
        return "0".equals(next) ? Future.succeededFuture(total) : prune(generation, next, total);
      });
  }

  private Future<Void> markLoaded(String generation) {
    return redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.SET)
        .arg(AllocatorVerticle.KEY_PREFIX + "loaded")
        .arg(generation))
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
