package io.cidrotator.inventory;

import io.cidrotator.AppConfig;
import io.cidrotator.TestServer;
import io.cidrotator.redis.AllocateScript;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.RedisIndex;
import io.cidrotator.pool.Tiers;
import io.cidrotator.redis.RedisKeys;
import io.cidrotator.redis.ScriptRunner;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InventorySync} on its own, against the real PostgreSQL and Redis: what each call leaves in the Redis index
 * for what PostgreSQL holds. Every call runs on one event-loop context, as on the admin verticle.
 */
class InventorySyncTest {

  /** Defaults that no pool or number of these tests has, so that a cap read back tells where it came from. */
  private static final AppConfig CONFIG = AppConfig.from(TestServer.baseConfig()
    .put("DEFAULT_HOURLY_LIMIT", 7)
    .put("DEFAULT_DAILY_LIMIT", 70));
  /** More than two pages of the full load (2,000 numbers a page). */
  private static final int THREE_PAGES = 4_500;

  private static Vertx vertx;
  private static Context context;
  private static Pool pg;
  private static ScriptRunner runner;
  private static RedisIndex index;
  private InventorySync sync;

  @BeforeAll
  static void connect() {
    Flyway.configure()
      .dataSource(CONFIG.jdbcUrl(), CONFIG.postgresUser(), CONFIG.postgresPassword())
      .load()
      .migrate();
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    pg = PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(4))
      .connectingTo(new PgConnectOptions()
        .setHost(CONFIG.postgresHost())
        .setPort(CONFIG.postgresPort())
        .setDatabase(CONFIG.postgresDb())
        .setUser(CONFIG.postgresUser())
        .setPassword(CONFIG.postgresPassword()))
      .using(vertx)
      .build();
    runner = new ScriptRunner(vertx, CONFIG.redisConnectionString(), "inventory-sync-test");
    onContext(runner::connect);
    index = new RedisIndex(Redis.createClient(vertx, CONFIG.redisConnectionString()));
  }

  @AfterAll
  static void close() {
    onContext(runner::close);
    vertx.close().await();
  }

  @BeforeEach
  void emptyPostgresAndRedis() {
    // The history too: a load into an empty Redis rebuilds each number's use and reservation from it.
    sql("TRUNCATE allocations, caller_ids, campaigns");
    sql("DELETE FROM pools WHERE name <> 'default'");
    sql("UPDATE pools SET reservation_ttl = NULL, hourly_limit = NULL, daily_limit = NULL, "
      + "tiers = DEFAULT, strategy = DEFAULT, sticky_days = DEFAULT");
    index.send(Request.cmd(Command.FLUSHDB));
    sync = new InventorySync(pg, runner, CONFIG, Future::succeededFuture);
  }

  // ---- loadAll ----

  @Test
  void loadAllWritesEveryNumberWithItsColumnsAndAnswersHowMany() {
    insert("5125550100", "default", null, null, true);
    insert("2125550100", "default", null, null, false);

    int loaded = onContext(sync::loadAll);

    assertThat(loaded).isEqualTo(2);
    assertThat(index.numbers()).containsExactlyInAnyOrder("5125550100", "2125550100");
    assertThat(index.number("5125550100")).containsAllEntriesOf(Map.of("pool", "default", "npa", "512",
      "carrier", "carrier-x", "active", "1", "last", "0"));
    assertThat(index.number("2125550100")).containsEntry("active", "0");
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550100")).isZero();
    assertThat(index.score(RedisKeys.available("default", "212"), "2125550100")).isNull();
  }

  @Test
  void loadAllOverAnIndexOfTheLayoutBeforeTiersKeepsItsLiveStateAndDeletesItsKeys() {
    // What a server before tiers left: its load mark, an area-code set (with a number PostgreSQL no longer has) and
    // the head index h:.
    index.send(Request.cmd(Command.SET).arg(RedisKeys.PREFIX + "loaded").arg("1"));
    index.send(Request.cmd(Command.ZADD).arg(RedisKeys.PREFIX + "a:default:512").arg(1).arg("5125559999"));
    index.send(Request.cmd(Command.ZADD).arg(RedisKeys.PREFIX + "h:default").arg(5).arg("512"));

    loadOverAnOldIndex();

    assertThat(index.exists(RedisKeys.PREFIX + "h:default")).isFalse();
    assertThat(index.score(RedisKeys.available("default", "512"), "5125559999")).isNull();
  }

  @Test
  void loadAllOverAnIndexOfTheFirstTierLayoutKeepsItsLiveStateAndDeletesItsKeys() {
    // What the first tier layout left: its load mark, an NPA-NXX leaf, tier indexes of leaves, an assigned-prefix set.
    index.send(Request.cmd(Command.SET).arg(RedisKeys.PREFIX + "loaded:v2").arg("1"));
    index.send(Request.cmd(Command.ZADD).arg(RedisKeys.PREFIX + "a:default:512512555").arg(5).arg("5125550100"));
    index.send(Request.cmd(Command.ZADD).arg(RedisKeys.PREFIX + "t:default").arg(5).arg("512512555"));
    index.send(Request.cmd(Command.ZADD).arg(RedisKeys.PREFIX + "t:default:a:512").arg(5).arg("512512555"));
    index.send(Request.cmd(Command.ZADD).arg(RedisKeys.PREFIX + "x:default:5125").arg(5).arg("5125550100"));

    loadOverAnOldIndex();

    assertThat(index.exists(RedisKeys.PREFIX + "a:default:512512555")).isFalse();
    assertThat(index.exists(RedisKeys.PREFIX + "t:default:a:512")).isFalse();
    assertThat(index.exists(RedisKeys.PREFIX + "x:default:5125")).isFalse();
    assertThat(index.score(RedisKeys.poolTier("default"), "512512555")).isNull();
    assertThat(index.score(RedisKeys.poolTier("default"), "512")).isEqualTo(5.0);
  }

  /**
   * Loads two numbers over an old index holding their hashes: one available with today's use, one with a live
   * reservation; checks both kept their live state in this layout and the old load marks are gone.
   */
  private void loadOverAnOldIndex() {
    insert("5125550100", "default", null, null, true);
    insert("5125550101", "default", null, null, true);
    long expiry = System.currentTimeMillis() + 120_000;
    String day = CapWindows.at(System.currentTimeMillis(), CONFIG.timezone()).dayId();
    index.send(Request.cmd(Command.HSET).arg(RedisKeys.number("5125550100")).arg("pool").arg("default")
      .arg("npa").arg("512").arg("active").arg("1").arg("last").arg("5").arg("dw").arg(day).arg("dc").arg("3")
      .arg("hl").arg("100").arg("dl").arg("500"));
    index.send(Request.cmd(Command.HSET).arg(RedisKeys.number("5125550101")).arg("pool").arg("default")
      .arg("npa").arg("512").arg("active").arg("1").arg("last").arg("7").arg("rid").arg("r-1"));
    index.send(Request.cmd(Command.ZADD).arg(RedisKeys.reserved("default")).arg(expiry).arg("5125550101"));

    onContext(sync::loadAll);

    RedisKeys.OLD_LOADED.forEach(mark -> assertThat(index.exists(mark)).as(mark).isFalse());
    assertThat(index.exists(RedisKeys.LOADED)).isTrue();
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550100")).isEqualTo(5.0);
    assertThat(index.score(RedisKeys.town("default", "512555"), "5125550100")).isEqualTo(5.0);
    assertThat(index.number("5125550100")).containsEntry("dc", "3");
    assertThat(index.score(RedisKeys.reserved("default"), "5125550101")).isEqualTo((double) expiry);
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550101")).isNull();
  }

  @Test
  void loadAllSetsTheLoadedMark() {
    insert("5125550100", "default", null, null, true);

    onContext(sync::loadAll);

    assertThat(index.exists(RedisKeys.LOADED)).isTrue();
  }

  @Test
  void loadAllOfAnEmptyInventorySetsTheLoadedMarkToo() {
    assertThat(onContext(sync::loadAll)).isZero();

    assertThat(index.exists(RedisKeys.LOADED)).isTrue();
  }

  @Test
  void loadAllPagesThroughAnInventoryLargerThanOnePage() {
    insertThreePages();

    int loaded = onContext(sync::loadAll);

    assertThat(loaded).isEqualTo(THREE_PAGES);
    assertThat(index.numbers()).hasSize(THREE_PAGES);
  }

  @Test
  void loadAllRemovesTheNumbersPostgresNoLongerHolds() {
    insert("5125550100", "default", null, null, true);
    insert("5125550101", "default", null, null, true);
    onContext(sync::loadAll);
    sql("DELETE FROM caller_ids WHERE caller_id = '5125550101'");

    int loaded = onContext(sync::loadAll);

    assertThat(loaded).isEqualTo(1);
    assertThat(index.numbers()).containsExactly("5125550100");
    assertThat(index.number("5125550101")).isEmpty();
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550101")).isNull();
  }

  @Test
  void loadAllKeepsALiveReservationAndTheCountsOfANumber() {
    insert("5125550100", "default", null, null, true);
    onContext(sync::loadAll);
    AllocateScript.Allocated allocated = allocate();
    Map<String, String> before = index.number("5125550100");
    Double expiry = index.score(RedisKeys.reserved("default"), "5125550100");

    onContext(sync::loadAll);

    assertThat(allocated.callerId()).isEqualTo("5125550100");
    assertThat(index.score(RedisKeys.reserved("default"), "5125550100")).isNotNull().isEqualTo(expiry);
    Map<String, String> after = index.number("5125550100");
    assertThat(after).containsEntry("rid", allocated.allocationId()).containsEntry("hc", "1").containsEntry("dc", "1");
    assertThat(after).isEqualTo(before);
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550100")).isNull();
  }

  @Test
  void concurrentLoadAllCallsShareOneLoad() {
    insert("5125550100", "default", null, null, true);

    List<Future<Integer>> loads = onContext(() -> {
      List<Future<Integer>> both = List.of(sync.loadAll(), sync.loadAll());
      return Future.all(both).map(all -> both);
    });

    assertThat(loads.get(1)).isSameAs(loads.get(0));
    assertThat(loads.get(0).result()).isEqualTo(1);
  }

  @Test
  void aLoadAllAfterTheLastOneEndedIsANewLoad() {
    insert("5125550100", "default", null, null, true);
    Future<Integer> first = onContext(() -> {
      Future<Integer> load = sync.loadAll();
      return load.map(count -> load);
    });
    insert("5125550101", "default", null, null, true);

    Future<Integer> second = onContext(() -> {
      Future<Integer> load = sync.loadAll();
      return load.map(count -> load);
    });

    assertThat(second).isNotSameAs(first);
    assertThat(second.result()).isEqualTo(2);
  }

  // ---- writes in turn ----

  @Test
  void aWriteNumberIssuedWhileALoadAllRunsIsWrittenAfterEveryPageOfTheLoad() {
    insertThreePages();
    insert("2125550100", "default", null, null, false);

    // The count is read on the script connection right after the write: it follows every command sent before.
    long indexedWhenWritten = onContext(() -> {
      Future<Integer> load = sync.loadAll();
      Future<Long> written = sync.writeNumber("2125550100")
        .compose(v -> runner.send(Request.cmd(Command.SCARD).arg(RedisKeys.ALL)))
        .map(Response::toLong);
      return Future.all(load, written).map(all -> written.result());
    });

    assertThat(indexedWhenWritten).isEqualTo(THREE_PAGES + 1);
    assertThat(index.number("2125550100")).containsEntry("active", "0");
  }

  // ---- writeNumber, writeNumbers, removeNumber ----

  @Test
  void writeNumberWritesOneNumberAsPostgresHoldsItNow() {
    insert("5125550100", "default", null, null, true);
    onContext(sync::loadAll);
    sql("UPDATE caller_ids SET carrier = 'telnyx', is_active = false, hourly_limit = 3 WHERE caller_id = '5125550100'");

    onContext(() -> sync.writeNumber("5125550100"));

    assertThat(index.number("5125550100")).containsAllEntriesOf(Map.of("carrier", "telnyx", "active", "0", "hl", "3"));
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550100")).isNull();
  }

  @Test
  void writeNumberOfANumberPostgresDoesNotHoldWritesNothing() {
    onContext(() -> sync.writeNumber("5125550100"));

    assertThat(index.numbers()).isEmpty();
    assertThat(index.number("5125550100")).isEmpty();
  }

  @Test
  void writeNumbersWritesTheNamedNumbersAndNoOther() {
    onContext(sync::loadAll);
    insert("5125550100", "default", null, null, true);
    insert("5125550101", "default", null, null, true);
    insert("5125550102", "default", null, null, true);

    onContext(() -> sync.writeNumbers(List.of("5125550100", "5125550102", "5125559999")));

    assertThat(index.numbers()).containsExactlyInAnyOrder("5125550100", "5125550102");
  }

  @Test
  void aWriteIntoARedisThatLostTheIndexWaitsForTheWholeRebuild() {
    insert("5125550100", "default", null, null, true);
    insert("5125550101", "default", null, null, true);

    onContext(() -> sync.writeNumber("5125550100"));

    assertThat(index.numbers()).containsExactlyInAnyOrder("5125550100", "5125550101");
    assertThat(index.exists(RedisKeys.LOADED)).isTrue();
  }

  @Test
  void removeNumberTakesTheNumberOutOfEveryIndexAndEndsItsReservation() {
    insert("5125550100", "default", null, null, true);
    onContext(sync::loadAll);
    allocate();

    onContext(() -> sync.removeNumber("5125550100"));

    assertThat(index.numbers()).isEmpty();
    assertThat(index.number("5125550100")).isEmpty();
    assertThat(index.score(RedisKeys.reserved("default"), "5125550100")).isNull();
  }

  // ---- pools and caps ----

  /** Each cap of a number is its own, else its pool's, else the server's default (7 an hour, 70 a day). */
  @ParameterizedTest(name = "own {0}/{1}, pool {2}/{3}: {4}/{5}")
  @CsvSource(nullValues = "-", value = {
    "3, 30, 5, 50, 3, 30",
    "-, -, 5, 50, 5, 50",
    "-, -, -, -, 7, 70",
    "-, 30, 5, -, 5, 30",
    "3, -, -, -, 3, 70"})
  void aNumbersCapsAreItsOwnElseItsPoolsElseTheServersDefaults(Integer ownHourly, Integer ownDaily,
                                                              Integer poolHourly, Integer poolDaily,
                                                              String hourly, String daily) {
    pool("east", poolHourly, poolDaily);
    insert("5125550100", "east", ownHourly, ownDaily, true);

    onContext(sync::loadAll);

    assertThat(index.caps("5125550100")).containsExactly(hourly, daily);
  }

  @Test
  void loadPoolWritesThePoolsNumbersAgainWithThePoolsNewCaps() {
    pool("east", 5, 50);
    insert("5125550100", "east", null, null, true);
    insert("5125550101", "east", 3, null, true);
    insert("2125550100", "default", null, null, true);
    onContext(sync::loadAll);
    sql("UPDATE pools SET hourly_limit = 9, daily_limit = 90 WHERE name = 'east'");
    sql("UPDATE caller_ids SET carrier = 'changed' WHERE caller_id = '2125550100'");

    int written = onContext(() -> sync.loadPool("east"));

    assertThat(written).isEqualTo(2);
    assertThat(index.caps("5125550100")).containsExactly("9", "90");
    assertThat(index.caps("5125550101")).containsExactly("3", "90");
    assertThat(index.number("2125550100")).containsEntry("carrier", "carrier-x");
  }

  @Test
  void loadPoolOfARenamedPoolMovesItsNumbersAndTheirReservations() {
    pool("east", null, null);
    insert("5125550100", "east", null, null, true);
    insert("5125550101", "east", null, null, true);
    onContext(sync::loadAll);
    AllocateScript.Allocated allocated = allocate("east");
    sql("UPDATE pools SET name = 'west' WHERE name = 'east'");

    onContext(() -> sync.loadPool("west"));

    String reserved = allocated.callerId();
    String available = reserved.equals("5125550100") ? "5125550101" : "5125550100";
    assertThat(index.number(reserved)).containsEntry("pool", "west").containsEntry("rid", allocated.allocationId());
    assertThat(index.score(RedisKeys.reserved("west"), reserved)).isNotNull();
    assertThat(index.score(RedisKeys.reserved("east"), reserved)).isNull();
    assertThat(index.score(RedisKeys.available("west", "512"), available)).isNotNull();
    assertThat(index.score(RedisKeys.available("east", "512"), available)).isNull();
  }

  @Test
  void writeSettingsWritesEveryPoolsTtlTiersAndStrategyAndEveryCampaignsPool() {
    sql("INSERT INTO pools (name, reservation_ttl, tiers, strategy) VALUES ('east', 60, 'area_code', 'round_robin')");
    sql("INSERT INTO campaigns (name, pool) VALUES ('sales', 'east'), ('support', 'default')");

    onContext(sync::writeSettings);

    assertThat(index.hash(RedisKeys.poolSettings("east"))).isEqualTo(Map.of("ttl", "60000", "tiers", "area_code",
      "strategy", "round_robin"));
    assertThat(index.hash(RedisKeys.poolSettings("default"))).isEqualTo(Map.of("tiers", Tiers.DEFAULT,
      "strategy", "lru"));
    assertThat(index.hash(RedisKeys.CAMPAIGNS)).isEqualTo(Map.of("sales", "east", "support", "default"));
  }

  @Test
  void writeSettingsReplacesWhatPostgresNoLongerHolds() {
    sql("INSERT INTO pools (name, reservation_ttl, tiers) VALUES ('east', 60, 'area_code')");
    sql("INSERT INTO campaigns (name, pool) VALUES ('sales', 'east')");
    onContext(sync::writeSettings);
    sql("DELETE FROM campaigns");
    sql("DELETE FROM pools WHERE name = 'east'");

    onContext(sync::writeSettings);

    assertThat(index.hash(RedisKeys.poolSettings("east"))).isEmpty();
    assertThat(index.hash(RedisKeys.CAMPAIGNS)).isEmpty();
  }

  // ---- helpers ----

  /** Runs {@code work} on the test's one event-loop context and waits for its result on the JUnit thread. */
  private static <T> T onContext(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future().await();
  }

  private static void sql(String statement) {
    pg.query(statement).execute().await();
  }

  /** A caller_ids row of carrier "carrier-x" whose area code is its first three digits. */
  private static void insert(String callerId, String pool, Integer hourly, Integer daily, boolean active) {
    pg.preparedQuery("""
        INSERT INTO caller_ids (caller_id, carrier, area_code, hourly_limit, daily_limit, is_active, pool)
        VALUES ($1, 'carrier-x', $2, $3, $4, $5, $6)
        """)
      .execute(Tuple.of(callerId, callerId.substring(0, 3), hourly, daily, active, pool))
      .await();
  }

  /** {@link #THREE_PAGES} numbers 5125550001, 5125550002, ... of the default pool. */
  private static void insertThreePages() {
    sql("INSERT INTO caller_ids (caller_id, area_code, carrier) "
      + "SELECT '512' || (5550000 + n)::text, '512', 'bulk' FROM generate_series(1, " + THREE_PAGES + ") AS n");
  }

  private static void pool(String name, Integer hourly, Integer daily) {
    pg.preparedQuery("INSERT INTO pools (name, hourly_limit, daily_limit) VALUES ($1, $2, $3)")
      .execute(Tuple.of(name, hourly, daily))
      .await();
  }

  /** Allocates a number of the default pool for 5125559999, as a dialer's request would, now. */
  private static AllocateScript.Allocated allocate() {
    return allocate("default");
  }

  /** The same from {@code pool} (as the pool of a campaign without a mapping). */
  private static AllocateScript.Allocated allocate(String pool) {
    long now = System.currentTimeMillis();
    AllocateScript.Args args = new AllocateScript.Args(now, pool, 60_000, CapWindows.at(now, CONFIG.timezone()),
      null, 100, null, "5125559999", "allocation-1", 8, null, null, 900_000, 100_000);
    AllocateScript.Reply reply = onContext(() -> AllocateScript.run(runner, args));
    assertThat(reply).isInstanceOf(AllocateScript.Allocated.class);
    return (AllocateScript.Allocated) reply;
  }

  // ---- a rebuild: Redis lost the index, the history gives each number its use and live reservation ----

  @Test
  void aRebuildGivesEachNumberItsUseOfTheHourAndDayFromTheHistoryLeavingOutTakenBackAllocations() {
    insert("5125550100", "default", 2, null, true);
    CapWindows now = CapWindows.at(System.currentTimeMillis(), CONFIG.timezone());
    long hourStart = Long.parseLong(now.hourId()) * 1000;
    long dayStart = LocalDate.parse(now.dayId()).atStartOfDay(CONFIG.timezone()).toInstant().toEpochMilli();
    history("5125550100", hourStart, hourStart + 1, null, "released");
    history("5125550100", hourStart + 1, hourStart + 2, null, "released");
    history("5125550100", hourStart + 2, hourStart + 3, null, "taken_back");
    history("5125550100", dayStart, dayStart + 1, null, "released");
    history("5125550100", dayStart - 1, dayStart, null, "released");
    long inHour = dayStart >= hourStart ? 3 : 2;

    onContext(sync::loadAll);

    assertThat(index.number("5125550100"))
      .containsEntry("hw", now.hourId()).containsEntry("hc", Long.toString(inHour))
      .containsEntry("dw", now.dayId()).containsEntry("dc", "3");
    assertThat(index.score(RedisKeys.capped("default"), "5125550100")).isNotNull();
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550100")).isNull();
  }

  @Test
  void aRebuildGivesBackALiveReservationWithItsExpiryAndItsCallKey() {
    insert("5125550100", "default", null, null, true);
    long now = System.currentTimeMillis();
    String id = history("5125550100", now - 1000, null, now + 60_000, null);

    onContext(sync::loadAll);

    assertThat(index.score(RedisKeys.reserved("default"), "5125550100")).isEqualTo((double) (now + 60_000));
    assertThat(index.number("5125550100")).containsEntry("rid", id).containsEntry("rdest", "5125551234");
    assertThat(index.send(Request.cmd(Command.GET).arg(RedisKeys.callKey("V1260930150000012345"))).toString())
      .isEqualTo("5125550100 " + id);
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550100")).isNull();
  }

  @Test
  void aRebuildLeavesOutReservationsThatAReleaseEndedOrThatAreOver() {
    insert("5125550100", "default", null, null, true);
    insert("5125550101", "default", null, null, true);
    long now = System.currentTimeMillis();
    history("5125550100", now - 2000, now - 1000, now + 60_000, "released");
    history("5125550101", now - 120_000, null, now - 60_000, null);

    onContext(sync::loadAll);

    assertThat(index.score(RedisKeys.available("default", "512"), "5125550100")).isNotNull();
    assertThat(index.score(RedisKeys.available("default", "512"), "5125550101")).isNotNull();
    assertThat(index.score(RedisKeys.reserved("default"), "5125550101")).isNull();
  }

  @Test
  void anAllocationWrittenBeforeExpiriesWereIsLiveForItsPoolsTtl() {
    pool("east", null, null);
    sql("UPDATE pools SET reservation_ttl = 600 WHERE name = 'east'");
    insert("5125550100", "east", null, null, true);
    long now = System.currentTimeMillis();
    history("5125550100", now - 300_000, null, null, null);

    onContext(sync::loadAll);

    assertThat(index.score(RedisKeys.reserved("east"), "5125550100")).isEqualTo((double) (now - 300_000 + 600_000));
  }

  @Test
  void aRebuildMakesTheHistoryCurrentFirstAndAReloadOfAnIntactIndexReadsNoHistory() {
    insert("5125550100", "default", null, null, true);
    List<String> asked = new ArrayList<>();
    sync = new InventorySync(pg, runner, CONFIG, () -> {
      asked.add("history");
      return Future.succeededFuture();
    });
    onContext(sync::loadAll);
    // Lost from an index that still has its mark (not a Redis restart): the history is not read for it.
    index.send(Request.cmd(Command.DEL).arg(RedisKeys.number("5125550100")));
    history("5125550100", System.currentTimeMillis() - 1000, null, System.currentTimeMillis() + 60_000, null);

    onContext(sync::loadAll);

    assertThat(asked).containsExactly("history");
    assertThat(index.number("5125550100")).doesNotContainKey("rid");
  }

  /**
   * An allocation of {@code callerId} in the history, for 5125551234 with VICIdial's call id, made at
   * {@code atMs}, released at {@code releasedMs} (null: not) with {@code outcome}, reserved until {@code expiresMs}
   * (null: an allocation written before expiries were). Returns its id.
   */
  private static String history(String callerId, long atMs, Long releasedMs, Long expiresMs, String outcome) {
    String id = java.util.UUID.randomUUID().toString();
    pg.preparedQuery("""
        INSERT INTO allocations (id, caller_id, destination, area_code, tier, pool, allocated_at, released_at,
                                 expires_at, outcome, call_key)
        VALUES ($1::uuid, $2, '5125551234', '512', 'area_code', 'default',
                timestamptz 'epoch' + $3 * interval '1 millisecond',
                timestamptz 'epoch' + $4 * interval '1 millisecond',
                timestamptz 'epoch' + $5 * interval '1 millisecond', $6, 'V1260930150000012345')
        """)
      .execute(Tuple.of(id, callerId, atMs, releasedMs, expiresMs, outcome))
      .await();
    return id;
  }
}
