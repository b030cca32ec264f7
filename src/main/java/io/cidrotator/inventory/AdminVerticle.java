package io.cidrotator.inventory;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.allocation.HistoryBatch;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.redis.PoolCountsScript;
import io.cidrotator.redis.PruneScript;
import io.cidrotator.redis.RedisUnavailableException;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.redis.SettingsScript;
import io.cidrotator.redis.StateScript;
import io.cidrotator.redis.SyncScript;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Owns PostgreSQL, the source of truth for the inventory: migrates the schema, loads it into Redis at
 * start and after every change, and writes the allocation history in batches.
 */
public final class AdminVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);
  private static final long LAST_HAND_OVER_MS = 300;

  private final AppConfig config;
  private Pool pg;
  private ScriptRunner redis;
  private InventorySync sync;
  private HistoryWriter history;

  public AdminVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pg = PgBuilder.pool()
      .with(new PoolOptions()
        .setMaxSize(4)
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
    redis = new ScriptRunner(vertx, config.redisConnectionString(), "admin");
    sync = new InventorySync(pg, redis, config);
    // An admin write that committed while Redis was unreachable answered 503 without reaching the index:
    // a full load (idempotent, live state kept) brings Redis back in step with PostgreSQL.
    redis.onRestored(() -> sync.loadAll()
      .onFailure(e -> LOG.warn("Reload after the Redis connection came back failed: {}", e.getMessage())));
    CallerIds callerIds = new CallerIds(pg, redis, sync, config);
    history = new HistoryWriter(vertx, pg, config.historyBufferSize(), config.lastUsedFlushSeconds() * 1000L,
      Metrics.registry());
    return migrate()
      .compose(v -> redis.connect())
      .compose(v -> redis.loadScripts(SyncScript.LUA, PruneScript.LUA, StateScript.LUA, SettingsScript.LUA,
        PoolCountsScript.LUA))
      .compose(v -> sync.loadAll())
      .compose(v -> Future.all(consumers(callerIds, new Pools(pg, redis, sync))))
      .onSuccess(v -> history.start());
  }

  private List<Future<?>> consumers(CallerIds callerIds, Pools pools) {
    List<Future<?>> consumers = new ArrayList<>(List.of(
      register(Bus.ADD_NUMBER, this::addNumber),
      register(Bus.INVENTORY_COUNTS, this::counts),
      register(Bus.INVENTORY_RELOAD, this::reload),
      register(Bus.DATABASE_PING, this::ping),
      register(Bus.AUDIT_PAGE, query -> AuditLog.page(pg, query)),
      register(Bus.AUDIT_RECORD, this::recordAudit),
      new CsvTransfer(vertx, pg, sync).register(this::register),
      vertx.eventBus()
        .<HistoryBatch>consumer(Bus.HISTORY_APPEND, msg -> history.append(msg.body().events()))
        .completion()));
    callerIds.handlers().forEach((address, handler) -> consumers.add(register(address, handler)));
    pools.handlers().forEach((address, handler) -> consumers.add(register(address, handler)));
    new Charts(pg, redis, config).handlers().forEach((address, handler) -> consumers.add(register(address, handler)));
    return consumers;
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

  private Future<Void> register(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return Bus.consume(vertx, address, request -> handler.apply(request)
      .recover(AdminVerticle::unavailableUnlessSqlError));
  }

  /** A SQL error is a bug (500); any other failure of the client means PostgreSQL cannot be reached (503). */
  private static Future<JsonObject> unavailableUnlessSqlError(Throwable e) {
    if (e instanceof Bus.Failure || e instanceof PgException || e instanceof RedisUnavailableException) {
      return Future.failedFuture(e);
    }
    return Future.failedFuture(new Bus.Failure(503, "PostgreSQL is unavailable: " + rootMessage(e)));
  }

  private Future<JsonObject> addNumber(JsonObject number) {
    Tuple params = Tuple.of(
      number.getString("caller_id"),
      number.getString("carrier"),
      number.getString("area_code"),
      number.getInteger("hourly_limit"),
      number.getInteger("daily_limit"),
      number.getString("pool", "default"));
    return pg.withTransaction(tx -> tx.preparedQuery(InventorySql.INSERT_NUMBER)
        .execute(params)
        .compose(rows -> rows.size() == 0
          ? Future.succeededFuture((JsonObject) null)
          : AuditLog.record(tx, Actor.of(number), "caller_id.create", number.getString("caller_id"), null,
              CallerIds.toJson(rows.iterator().next())).map(CallerIds.toJson(rows.iterator().next()))))
      .compose(added -> added == null
        ? resyncExisting(number.getString("caller_id"))
        : sync.writeNumber(number.getString("caller_id")).map(added));
  }

  /**
   * A duplicate is a 409, but first the existing row is written to Redis again: when an earlier add
   * committed in PostgreSQL and then failed to reach Redis (503), its retry is what repairs the index.
   */
  private Future<JsonObject> resyncExisting(String callerId) {
    return sync.writeNumber(callerId)
      .compose(v -> Future.failedFuture(new Bus.Failure(409, "caller_id " + callerId + " already exists")));
  }

  private Future<JsonObject> counts(JsonObject request) {
    return pg.query(InventorySql.COUNTS)
      .execute()
      .map(rows -> {
        Row row = rows.iterator().next();
        return new JsonObject()
          .put("total", row.getLong("total"))
          .put("active", row.getLong("active"));
      });
  }

  /** An admin write that happened in Redis only (a reservation ended): {@code {action, target, after, actor}}. */
  private Future<JsonObject> recordAudit(JsonObject request) {
    return AuditLog.record(pg, Actor.of(request), request.getString("action"), request.getString("target"), null,
        request.getJsonObject("after"))
      .map(new JsonObject());
  }

  /** A request naming an actor (an operator's reload) is audited; the server's own reloads are not. */
  private Future<JsonObject> reload(JsonObject request) {
    return sync.loadAll()
      .map(count -> new JsonObject().put("loaded", count))
      .compose(result -> !request.containsKey("actor")
        ? Future.succeededFuture(result)
        : AuditLog.record(pg, Actor.of(request), "inventory.reload", null, null, result).map(result));
  }

  private Future<JsonObject> ping(JsonObject request) {
    long start = System.nanoTime();
    return pg.query(InventorySql.PING)
      .execute()
      .map(rows -> new JsonObject()
        .put("latency_us", (System.nanoTime() - start) / 1000)
        .put("history_buffered", history.buffered())
        .put("history_writes", history.writes()));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /**
   * Vert.x undeploys the verticles of one application together: the allocators hand over their last
   * history as they stop, so this one keeps listening a moment before it writes everything it holds.
   */
  @Override
  public Future<?> stop() {
    history.stop();
    return vertx.timer(LAST_HAND_OVER_MS)
      .compose(v -> history.drain())
      .eventually(() -> Future.all(List.of(redis.close(), pg.close())));
  }
}
