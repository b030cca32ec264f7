package io.cidrotator;

import io.cidrotator.alert.Alerts;
import io.cidrotator.audit.Audit;
import io.cidrotator.callerid.CallerIds;
import io.cidrotator.coverage.Coverage;
import io.cidrotator.explain.Explain;
import io.cidrotator.csv.CsvTransfer;
import io.cidrotator.health.DatabasePing;
import io.cidrotator.history.Charts;
import io.cidrotator.history.HistoryExport;
import io.cidrotator.history.HistoryWriter;
import io.cidrotator.inventory.Inventory;
import io.cidrotator.inventory.InventorySync;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.pool.PoolGauges;
import io.cidrotator.pool.Pools;
import io.cidrotator.redis.CampaignReservationsScript;
import io.cidrotator.redis.EvictionPolicy;
import io.cidrotator.redis.ExplainScript;
import io.cidrotator.redis.HistoryStream;
import io.cidrotator.redis.PoolCountsScript;
import io.cidrotator.redis.PruneScript;
import io.cidrotator.redis.RedisUnavailableException;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.redis.SettingsScript;
import io.cidrotator.redis.StateScript;
import io.cidrotator.redis.SyncScript;
import io.cidrotator.redis.TierAvailableScript;
import io.cidrotator.reputation.Flags;
import io.cidrotator.reputation.RestLadder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Owns PostgreSQL, the source of truth for the inventory: migrates the schema, loads the inventory into Redis,
 * then registers the bus handlers of every feature that works on PostgreSQL, all the same way. The features
 * themselves (caller-IDs, pools and campaigns, CSV, history, audit, inventory) live in their packages.
 */
public final class AdminVerticle extends VerticleBase {

  /** PostgreSQL connections: admin writes, history batches and chart reads share them. */
  static final int POOL_SIZE = 4;

  private final AppConfig config;
  private final StopOrder stopOrder;
  private Pool pg;
  private ScriptRunner redis;
  private HistoryWriter history;
  private RestLadder ladder;
  private Alerts alerts;

  public AdminVerticle(AppConfig config, StopOrder stopOrder) {
    this.config = config;
    this.stopOrder = stopOrder;
  }

  @Override
  public Future<?> start() {
    pg = PgBuilder.pool()
      .with(new PoolOptions()
        .setMaxSize(POOL_SIZE)
        .setConnectionTimeout(2)
        .setConnectionTimeoutUnit(TimeUnit.SECONDS))
      .with(new NetClientOptions().setConnectTimeout(2000))
      .connectingTo(new PgConnectOptions()
        .setHost(config.postgresHost())
        .setPort(config.postgresPort())
        .setDatabase(config.postgresDb())
        .setUser(config.postgresUser())
        .setPassword(config.postgresPassword())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(16))
      .using(vertx)
      .build();
    redis = new ScriptRunner(vertx, config.redisEndpoints(), "admin");
    history = new HistoryWriter(vertx, pg, redis, config.allocatorInstances(), config.historyBufferSize(),
      config.lastUsedFlushSeconds() * 1000L, Metrics.registry());
    InventorySync sync = new InventorySync(pg, redis, config, history::catchUp);
    sync.reloadOnReconnect();
    ladder = new RestLadder(vertx, pg, redis, sync);
    PoolGauges gauges = new PoolGauges(pg, redis);
    alerts = new Alerts(vertx, pg, redis);
    List<Bus.Handlers> features = List.of(
      new Inventory(pg, sync, config.timezone()),
      new CallerIds(pg, redis, sync, config),
      new Pools(pg, redis, sync),
      new CsvTransfer(vertx, pg, sync),
      new Charts(pg, redis, config),
      new HistoryExport(pg, config.timezone()),
      new Coverage(pg, config),
      new Explain(pg, redis, config),
      new Audit(pg),
      new DatabasePing(pg, history),
      new Flags(vertx, pg, sync),
      alerts,
      gauges,
      ladder,
      history);
    return migrate()
      .compose(v -> redis.connect())
      .compose(v -> EvictionPolicy.check(redis))
      .compose(v -> redis.loadScripts(SyncScript.LUA, PruneScript.LUA, StateScript.LUA, SettingsScript.LUA,
        PoolCountsScript.LUA, CampaignReservationsScript.LUA, ExplainScript.LUA, TierAvailableScript.LUA,
        HistoryStream.READ, HistoryStream.DONE))
      .compose(v -> sync.loadAll())
      .compose(v -> Bus.consumeAll(vertx, features, AdminVerticle::unavailableUnlessSqlError))
      .compose(v -> history.start())
      .compose(v -> alerts.start())
      .onSuccess(v -> ladder.start());
  }

  private Future<Void> migrate() {
    return vertx.executeBlocking(() -> Flyway.configure()
        .dataSource(config.jdbcUrl(), config.postgresUser(), config.postgresPassword())
        .connectRetries(0)
        .load()
        .migrate())
      .recover(e -> Future.failedFuture(new IllegalStateException(
        "POSTGRES_HOST: cannot migrate the database at " + config.postgresHost() + ":" + config.postgresPort()
          + "/" + config.postgresDb() + ": " + rootMessage(e))))
      .mapEmpty();
  }

  /** A SQL error is a bug (500); any other failure of the client means PostgreSQL cannot be reached (503). */
  private static Future<JsonObject> unavailableUnlessSqlError(Throwable e) {
    if (e instanceof Bus.Failure || e instanceof PgException || e instanceof RedisUnavailableException) {
      return Future.failedFuture(e);
    }
    return Future.failedFuture(new Bus.Failure(503, "PostgreSQL is unavailable: " + rootMessage(e)));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /**
   * Once the front doors answered what was in flight ({@link StopOrder}), writes what history it can for a moment
   * (the rest waits in Redis for the next writer), then closes.
   */
  @Override
  public Future<?> stop() {
    if (ladder != null) {
      ladder.stop();
    }
    Future<Void> alertsStopped = alerts == null ? Future.succeededFuture() : alerts.stop();
    return stopOrder.frontDoorsClosed(vertx)
      .compose(v -> history.stop())
      .eventually(() -> Future.all(List.of(redis.close(), pg.close(), alertsStopped)));
  }
}
