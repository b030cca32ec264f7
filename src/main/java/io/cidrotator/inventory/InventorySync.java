package io.cidrotator.inventory;

import io.cidrotator.AppConfig;
import io.cidrotator.InTurn;
import io.cidrotator.dialer.CallIdentity;
import io.cidrotator.locality.CallingWindow;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.HistoryStream;
import io.cidrotator.redis.Origin;
import io.cidrotator.redis.PruneScript;
import io.cidrotator.redis.RedisKeys;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.redis.SettingsScript;
import io.cidrotator.redis.SyncScript;
import io.cidrotator.reputation.Health;
import io.cidrotator.reputation.HealthSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Copies the inventory from PostgreSQL (the source of truth) into the Redis index, for every feature that changes
 * it (caller-IDs, pools and campaigns, CSV imports) and after Redis lost it. Idempotent: live reservations and
 * counts survive a reload, and a reload after a Redis wipe rebuilds everything. Lives on the admin verticle.
 *
 * <p>Owns the reloads Redis needs by itself: when this verticle's connection comes back (an admin write that
 * committed meanwhile answered 503 without reaching the index), and when an allocator finds the index missing
 * (a Redis restarted without its data: {@code InventoryClient#reloadMissingIndex}, the INVENTORY_RELOAD message).
 *
 * <p>A load into a Redis that lost the index (no load mark) is a rebuild: the history is first made current in
 * PostgreSQL, then every number goes back with its use of the current hour and day and its live reservation as
 * the history gives them, in the same atomic step that makes it allocatable (sync.lua). No number is ever handed
 * out again over its caps, or while its call is live, because Redis forgot it.
 */
public final class InventorySync {

  private static final Logger LOG = LoggerFactory.getLogger(InventorySync.class);
  private static final int PAGE = 2000;
  private static final int PRUNE_SCAN = 1000;
  /**
   * How long before the last history entry a server holds a reconciliation looks for lost writes: the clocks of
   * the nodes (which time the allocations) and of Redis (which ids the entries) may differ this much.
   */
  private static final long RECONCILE_MARGIN_MS = 60_000;

  private final Pool pg;
  private final ScriptRunner redis;
  private final AppConfig config;
  private final Supplier<Future<Void>> historyWritten;
  private Future<Integer> loading;
  private Future<Void> settingsWritten = Future.succeededFuture();
  private final InTurn writes = new InTurn();

  /**
   * @param historyWritten makes the allocation history in PostgreSQL current (every allocation and release answered
   *                       so far written), for a rebuild to read
   */
  public InventorySync(Pool pg, ScriptRunner redis, AppConfig config, Supplier<Future<Void>> historyWritten) {
    this.pg = pg;
    this.redis = redis;
    this.config = config;
    this.historyWritten = historyWritten;
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
   * Loads the pool and campaign settings and every number (rebuilding their live state from the history when Redis
   * lost the index), then removes from Redis what PostgreSQL no longer holds. Concurrent calls share one load.
   */
  public Future<Integer> loadAll() {
    if (loading != null) {
      return loading;
    }
    // Held before the chain starts: a chain that fails at once (Redis unreachable) completes while it is built,
    // and a load it left behind would answer every later call with that old failure.
    Promise<Integer> load = Promise.promise();
    loading = load.future();
    long started = System.nanoTime();
    // The server this load reads and writes: the one it marks whole at the end (a failover meanwhile leaves the
    // next server unmarked, so it is reconciled in turn).
    Origin.Server server = redis.server();
    boolean fromElsewhere = !redis.reconciled();
    indexLost()
      .compose(lost -> inTurn(() -> (lost ? dropOldLayout("0").compose(v -> rebuildFromHistory())
          : Future.<Rebuild>succeededFuture(null))
        .compose(rebuild -> writeSettings()
          .compose(v -> rebuild == null && fromElsewhere ? reconcile(server) : Future.<Void>succeededFuture())
          .compose(v -> loadFrom(null, "", 0, rebuild))
          .onSuccess(count -> LOG.info("{} {} caller-IDs into Redis in {} ms", rebuild == null ? "Loaded"
            : "Rebuilt (use of the hour and day, live reservations from the history)", count,
            (System.nanoTime() - started) / 1_000_000)))))
      .compose(count -> prune("0", 0)
        .compose(removed -> server == null ? Future.<Void>succeededFuture() : Origin.mark(redis, server))
        .map(v -> count))
      .onComplete(done -> {
        loading = null;
        load.handle(done);
      });
    return load.future();
  }

  /**
   * Redis is another server than the one the index was made whole on, with the index (a replica promoted by a
   * failover, a restart from a snapshot or an AOF): its data may lack the last writes before the change. Once the
   * history in PostgreSQL is current (every node writes again what it kept in memory: {@link Origin} renewed the
   * history's epoch), each number allocated since shortly before the last history entry this server holds gets the
   * higher of its counts and the history's, and the history's live reservation when later than its own. Then the
   * server is marked whole, and allocations resume (the full load that follows only refreshes what admin writes
   * may have changed).
   */
  private Future<Void> reconcile(Origin.Server server) {
    long started = System.nanoTime();
    return historyWritten.get()
      .compose(v -> Future.all(HistoryStream.lastEntryMs(redis), clock()))
      .compose(both -> {
        Rebuild rebuild = both.resultAt(1);
        long lastEntry = both.<Long>resultAt(0);
        long ttlMs = rebuild.now() - millis(rebuild.liveSince());
        long since = Math.max(lastEntry - RECONCILE_MARGIN_MS - ttlMs,
          Math.min(millis(rebuild.dayStart()), millis(rebuild.liveSince())));
        return pg.preparedQuery(InventorySql.RECENT_NUMBERS)
          .execute(Tuple.of(Instant.ofEpochMilli(since).atOffset(ZoneOffset.UTC)))
          .compose(rows -> {
            List<String> numbers = new ArrayList<>(rows.size());
            rows.forEach(row -> numbers.add(row.getString("caller_id")));
            return merge(numbers, 0, rebuild, server.runId()).map(whole -> whole ? numbers.size() : -1);
          });
      })
      .compose(count -> {
        if (count < 0) {
          LOG.info("Redis is another server than before: another node reconciled it first; this node's "
            + "reconciliation stopped there");
          return Future.succeededFuture();
        }
        return Origin.mark(redis, server)
          .onSuccess(v -> LOG.warn("Redis is another server than before (a failover, or a restart from its files): "
            + "reconciled {} recently used caller-IDs with the history in PostgreSQL in {} ms", count,
            (System.nanoTime() - started) / 1_000_000));
      });
  }

  /**
   * Merges the history of {@code numbers} from {@code from} on into the index of the server {@code runId}, a page at
   * a time; succeeds with false when another node's reconciliation made that server whole first (each page checks,
   * in its script: from then on allocations and releases move on, and a history read before them is stale).
   */
  private Future<Boolean> merge(List<String> numbers, int from, Rebuild rebuild, String runId) {
    if (from >= numbers.size()) {
      return Future.succeededFuture(true);
    }
    List<String> page = numbers.subList(from, Math.min(from + PAGE, numbers.size()));
    return pg.preparedQuery(InventorySql.RECONCILE_NUMBERS)
      .execute(Tuple.of(rebuild.hourStart(), rebuild.dayStart(), rebuild.liveSince(), page.toArray(new String[0])))
      .compose(rows -> writeRows(rows, rebuild, runId))
      .compose(written -> written == SyncScript.ALREADY_WHOLE ? Future.succeededFuture(false)
        : merge(numbers, from + PAGE, rebuild, runId));
  }

  /**
   * Writes the numbers of {@code pool} to Redis again (its caps changed, or its name); succeeds with how many. When
   * Redis lost the index, the whole rebuild does it.
   */
  public Future<Integer> loadPool(String pool) {
    return indexLost().compose(lost -> lost ? loadAll() : inTurn(() -> loadFrom(pool, "", 0, null)));
  }

  /** Whether Redis lost the index: no load mark (a full load sets it last). */
  private Future<Boolean> indexLost() {
    return redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.LOADED))
      .map(reply -> reply.toInteger() == 0);
  }

  /** {@code write}, unless Redis lost the index: then the whole rebuild (which reads PostgreSQL after this change). */
  private Future<Void> unlessIndexLost(Supplier<Future<Void>> write) {
    return indexLost().compose(lost -> lost ? loadAll().<Void>mapEmpty() : write.get());
  }

  /**
   * What a rebuild reads the history with: the clock, the cap windows' starts, and how far back a reservation may
   * still be live (the longest TTL of any pool, else the server's default); the history made current first.
   */
  private Future<Rebuild> rebuildFromHistory() {
    return historyWritten.get()
      .compose(v -> clock());
  }

  /** The clock of a rebuild or a reconciliation, read now. */
  private Future<Rebuild> clock() {
    return pg.query(InventorySql.LONGEST_TTL).execute()
      .map(rows -> {
        Integer longest = rows.iterator().next().getInteger("ttl");
        long ttlMs = Math.max(longest == null ? 0 : longest, config.reservationTtlSeconds()) * 1000L;
        long now = System.currentTimeMillis();
        CapWindows windows = CapWindows.at(now, config.timezone());
        ZoneId zone = config.timezone();
        return new Rebuild(now, windows,
          Instant.ofEpochSecond(Long.parseLong(windows.hourId())).atOffset(ZoneOffset.UTC),
          LocalDate.parse(windows.dayId()).atStartOfDay(zone).toOffsetDateTime(),
          Instant.ofEpochMilli(now - ttlMs).atOffset(ZoneOffset.UTC));
      });
  }

  /** The clock of one rebuild: every page is read and restored in the same windows. */
  private record Rebuild(long now, CapWindows windows, OffsetDateTime hourStart, OffsetDateTime dayStart,
                         OffsetDateTime liveSince) {
  }

  /**
   * Runs Redis writes of numbers one after the other, each reading PostgreSQL in its turn. Without it a full
   * load that read a page before an admin write committed could write that page after the admin write,
   * and a number deactivated meanwhile would be back in rotation.
   */
  private <T> Future<T> inTurn(Supplier<Future<T>> write) {
    return writes.run(write);
  }

  /** Keyset pages of the numbers of {@code pool}, or of every number when it is null; with their history in a rebuild. */
  private Future<Integer> loadFrom(String pool, String after, int loaded, Rebuild rebuild) {
    Future<RowSet<Row>> page = rebuild == null
      ? pg.preparedQuery(InventorySql.PAGE_FOR_SYNC).execute(Tuple.of(after, PAGE, pool))
      : pg.preparedQuery(InventorySql.REBUILD_PAGE).execute(Tuple.of(rebuild.hourStart(), rebuild.dayStart(),
        rebuild.liveSince(), after, PAGE, pool));
    return page.compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(loaded);
      }
      String last = lastCallerId(rows);
      return writeRows(rows, rebuild, null)
        .compose(v -> rows.size() < PAGE
          ? Future.succeededFuture(loaded + rows.size())
          : loadFrom(pool, last, loaded + rows.size(), rebuild));
    });
  }

  /**
   * Replaces every pool's settings (TTL in ms, tiers, strategy, sticky days, calling windows) and every campaign's
   * pool in Redis with PostgreSQL's, in one atomic script call: there are few of them. Writes run one after the
   * other, each reading after the one before it wrote, so two admin writes close together cannot leave the older
   * state in Redis.
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
          String window = pool.getString("calling_window");
          Map<String, String> byRegion = new TreeMap<>();
          pool.getJsonObject("calling_window_by_region").forEach(region -> byRegion.put(region.getKey(),
            CallingWindow.parse(region.getKey(), (String) region.getValue()).minutes()));
          pools.add(new SettingsScript.PoolSettings(pool.getString("name"), ttl == null ? null : ttl * 1000L,
            pool.getString("tiers"), pool.getString("strategy"), pool.getInteger("sticky_days"),
            window == null ? null : CallingWindow.parse("calling_window", window).minutes(), byRegion));
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
    return unlessIndexLost(() -> inTurn(() -> pg.withTransaction(tx -> tx.query(InventorySql.INDEX_LOOKUPS)
        .execute()
        .compose(v -> tx.preparedQuery(InventorySql.NUMBERS_FOR_SYNC)
          .execute(Tuple.of(callerIds.toArray(new String[0])))))
      .compose(rows -> writeRows(rows, null, null).<Void>mapEmpty())));
  }

  /** {@code merge}: the rows' history is merged into numbers the index holds ({@link #reconcile}). */
  /** Writes {@code rows} to Redis; {@code mergeFor} as {@link SyncScript.Args#mergeFor()}. Succeeds as the script. */
  private Future<Integer> writeRows(RowSet<Row> rows, Rebuild rebuild, String mergeFor) {
    long now = rebuild == null ? System.currentTimeMillis() : rebuild.now();
    CapWindows windows = rebuild == null ? CapWindows.at(now, config.timezone()) : rebuild.windows();
    List<SyncScript.Number> numbers = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Integer hourly = row.getInteger("hourly_limit");
      Integer daily = row.getInteger("daily_limit");
      long lastUsed = millis(row.getOffsetDateTime("last_used"));
      SyncScript.Restore restore = rebuild == null ? null : restore(row, now);
      if (restore != null) {
        lastUsed = Math.max(lastUsed, millis(row.getOffsetDateTime("last_allocated")));
      }
      // Number health: a resting or retired number is not handed out, one on probation under its lower hourly cap.
      Health health = Health.of(row.getString("health"));
      int hourlyLimit = hourly == null ? config.hourlyLimit() : hourly;
      if (health == Health.PROBATION) {
        hourlyLimit = Math.min(hourlyLimit, HealthSettings.of(row.getJsonObject("pool_health")).probationHourlyLimit());
      }
      numbers.add(new SyncScript.Number(row.getString("caller_id"), row.getString("pool"),
        row.getString("area_code"), row.getString("carrier"), hourlyLimit,
        daily == null ? config.dailyLimit() : daily, row.getBoolean("is_active") && health.handedOut(), lastUsed,
        restore, List.of(row.getArrayOfStrings("prefixes"))));
    }
    return SyncScript.run(redis, new SyncScript.Args(now, windows, numbers, mergeFor));
  }

  /**
   * What REBUILD_PAGE's history columns say of one number: its uses and its live reservation (its recorded expiry,
   * else, for an allocation written before expiries were, its pool's TTL, else the server's default).
   */
  private SyncScript.Restore restore(Row row, long now) {
    SyncScript.Reservation live = null;
    OffsetDateTime reservedAt = row.getOffsetDateTime("rat");
    if (reservedAt != null) {
      Integer poolTtl = row.getInteger("reservation_ttl");
      long expiresAt = row.getOffsetDateTime("rexp") != null ? millis(row.getOffsetDateTime("rexp"))
        : millis(reservedAt) + (poolTtl != null ? poolTtl : config.reservationTtlSeconds()) * 1000L;
      if (expiresAt > now) {
        live = new SyncScript.Reservation(row.getUUID("rid").toString(), row.getString("rcampaign"),
          row.getString("ragent"), row.getString("rdest"), millis(reservedAt), expiresAt, row.getString("rtier"),
          row.getString("rcall_key"), row.getString("ruid"), expiresAt + CallIdentity.KEY_GRACE_MS - now);
      }
    }
    SyncScript.Latest latest = row.getUUID("lid") == null ? null : new SyncScript.Latest(
      row.getUUID("lid").toString(), millis(row.getOffsetDateTime("lat")), row.getBoolean("lended"));
    return new SyncScript.Restore(row.getLong("uses_this_hour").intValue(), row.getLong("uses_today").intValue(),
      live, latest);
  }

  private static long millis(OffsetDateTime time) {
    return time == null ? 0 : time.toInstant().toEpochMilli();
  }

  /** Writes one number from PostgreSQL to Redis, after its change committed; a missing row writes nothing. */
  public Future<Void> writeNumber(String callerId) {
    return unlessIndexLost(() -> inTurn(() -> pg.preparedQuery(InventorySql.NUMBER_FOR_SYNC)
      .execute(Tuple.of(callerId))
      .compose(rows -> rows.size() == 0 ? Future.<Void>succeededFuture()
        : writeRows(rows, null, null).<Void>mapEmpty())));
  }

  /** Removes one number PostgreSQL no longer holds from every Redis index (a reservation it has ends). */
  public Future<Void> removeNumber(String callerId) {
    return inTurn(() -> PruneScript.run(redis, new PruneScript.Args(List.of(callerId))).mapEmpty());
  }

  /**
   * Deletes what an index of a layout before this one left (keys.lua): its load mark, and its available sets a:,
   * area-code heads h:, tier indexes t: and assigned-prefix sets x:. The numbers' hashes, reservations and caps stay:
   * the load that follows writes every number into this layout, keeping its live state. Nothing to do on an index
   * that never had one.
   */
  private Future<Void> dropOldLayout(String cursor) {
    Request marks = Request.cmd(Command.EXISTS);
    RedisKeys.OLD_LOADED.forEach(marks::arg);
    return redis.send(marks)
      .compose(old -> old.toInteger() == 0 ? Future.<Void>succeededFuture() : redis.send(Request.cmd(Command.SCAN)
          .arg(cursor).arg("MATCH").arg(RedisKeys.PREFIX + "[ahtx]:*").arg("COUNT").arg(PRUNE_SCAN))
        .compose(scan -> {
          Request delete = Request.cmd(Command.DEL);
          scan.get(1).forEach(key -> delete.arg(key.toString()));
          String next = scan.get(0).toString();
          return (scan.get(1).size() == 0 ? Future.<Response>succeededFuture() : redis.send(delete))
            .compose(v -> {
              if (!"0".equals(next)) {
                return dropOldLayout(next);
              }
              Request unmark = Request.cmd(Command.DEL);
              RedisKeys.OLD_LOADED.forEach(unmark::arg);
              return redis.send(unmark).mapEmpty();
            });
        }));
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

  private static String lastCallerId(RowSet<Row> rows) {
    String last = null;
    for (Row row : rows) {
      last = row.getString("caller_id");
    }
    return last;
  }
}
