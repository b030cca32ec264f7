package io.cidrotator;

import io.cidrotator.history.HistoryClient;
import io.cidrotator.inventory.InventoryClient;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real server (MainVerticle on its own Vert.x) against the shared PostgreSQL and Redis, with the
 * clients a test needs: HTTP, SQL and Redis. {@link #reset()} gives each test a known, empty state.
 */
public final class TestServer implements AutoCloseable {

  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  /** FLUSHDB, but the history stream's epoch (KEYS[1]) stays: what a reset empties is not a loss of Redis. */
  private static final String FLUSH_KEEPING_EPOCH = "local epoch = redis.call('GET', KEYS[1]) "
    + "redis.call('FLUSHDB') if epoch then redis.call('SET', KEYS[1], epoch) end";

  public final Vertx vertx;
  public final AppConfig config;
  public final WebClient http;
  public final Pool sql;
  public final Redis redis;

  private TestServer(Vertx vertx, AppConfig config) {
    this.vertx = vertx;
    this.config = config;
    // A request the server never answers fails after the idle timeout instead of hanging the build.
    this.http = WebClient.create(vertx, new WebClientOptions()
      .setDefaultHost("127.0.0.1")
      .setDefaultPort(config.apiPort())
      .setIdleTimeout(120));
    this.sql = sql(vertx, config);
    this.redis = Redis.createClient(vertx, config.redisConnectionString());
  }

  /** A pool on the PostgreSQL of {@code config}, for a test that reads it without a server (or after one stopped). */
  public static Pool sql(Vertx vertx, AppConfig config) {
    return PgBuilder.pool()
      .connectingTo(new PgConnectOptions()
        .setHost(config.postgresHost())
        .setPort(config.postgresPort())
        .setDatabase(config.postgresDb())
        .setUser(config.postgresUser())
        .setPassword(config.postgresPassword()))
      .using(vertx)
      .build();
  }

  /** The settings every test server shares: the test databases, a free port, the test token. */
  public static JsonObject baseConfig() {
    return EmbeddedServices.forTests()
      .put("API_PORT", EmbeddedServices.freePort())
      .put("AGI_PORT", EmbeddedServices.freePort())
      .put("ADMIN_TOKEN", ADMIN_TOKEN)
      .put("TIMEZONE", "America/Chicago");
  }

  /** Starts a server with {@link #baseConfig()} plus {@code overrides}. */
  public static TestServer start(JsonObject overrides) {
    JsonObject json = baseConfig().mergeIn(overrides);
    Vertx vertx = Vertx.vertx(Metrics.vertxOptions(new VertxOptions().setEventLoopPoolSize(AppConfig.eventLoops(json))));
    vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(json)).await();
    return new TestServer(vertx, AppConfig.from(json));
  }

  public static TestServer start() {
    return start(new JsonObject());
  }

  /**
   * Empties PostgreSQL and Redis, then reloads (an empty inventory, marked loaded). The history of what the
   * previous test did is written first: arriving after the TRUNCATE, it would be restored by the reload (a Redis
   * without its load mark is rebuilt from the history). Retried when PostgreSQL breaks a deadlock.
   */
  public TestServer reset() {
    awaitHistoryWritten();
    for (int attempt = 1; ; attempt++) {
      try {
        return resetOnce();
      } catch (PgException e) {
        if (!"40P01".equals(e.getSqlState()) || attempt == 3) {
          throw e;
        }
      }
    }
  }

  private TestServer resetOnce() {
    // The history writer locks allocations before caller_ids: the same order avoids a deadlock.
    sql.query("TRUNCATE allocations, caller_ids, campaigns, audit_log, caller_id_hours, pool_hours, caller_id_flags, "
      + "webhooks CASCADE").execute().await();
    sql.query("DELETE FROM pools WHERE name <> 'default'").execute().await();
    sql.query("UPDATE pools SET reservation_ttl = NULL, hourly_limit = NULL, daily_limit = NULL, "
      + "tiers = DEFAULT, strategy = DEFAULT, sticky_days = DEFAULT, description = NULL, calling_window = NULL, "
      + "calling_window_by_region = '{}', health = DEFAULT")
      .execute().await();
    // Not a loss of Redis: the history stream keeps its epoch, so no writer writes its copies again.
    redis.send(Request.cmd(Command.EVAL).arg(FLUSH_KEEPING_EPOCH).arg(1).arg(RedisKeys.HISTORY_EPOCH)).await();
    new InventoryClient(vertx, 10_000).reload().await();
    return this;
  }

  /**
   * Waits until the history of everything done so far is in PostgreSQL: the scripts appended it to the history
   * stream as they ran, and the writer trims the stream only after it wrote it, so an empty stream means written.
   */
  public void awaitHistoryWritten() {
    HistoryClient history = new HistoryClient(vertx, 10_000);
    Poll.until(vertx, Duration.ofSeconds(5), "every history event written", history::status,
      status -> status.getInteger("buffered") == 0);
    // And the allocators told so: they dropped their copies (a later loss of Redis writes nothing of this again).
    Poll.until(vertx, Duration.ofSeconds(5), "no allocator keeping unwritten history",
      () -> history.unwritten(config.allocatorInstances()), unwritten -> unwritten.events().isEmpty());
  }

  /** Inserts numbers straight into PostgreSQL (caller_id, optional hourly/daily limits), then reloads Redis. */
  public TestServer seed(List<JsonObject> numbers) {
    List<Tuple> rows = new ArrayList<>();
    for (JsonObject n : numbers) {
      String cid = n.getString("caller_id");
      rows.add(Tuple.of(cid, n.getString("carrier", "test-carrier"), n.getString("area_code", cid.substring(0, 3)),
        n.getInteger("hourly_limit"), n.getInteger("daily_limit"), n.getBoolean("is_active", true),
        n.getString("pool", "default")));
    }
    sql.preparedQuery("""
        INSERT INTO caller_ids (caller_id, carrier, area_code, hourly_limit, daily_limit, is_active, pool)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """)
      .executeBatch(rows)
      .await();
    new InventoryClient(vertx, 30_000).reload().await();
    return this;
  }

  /** Numbers {@code npa}555{@code 0100+i} for i in [0, count). */
  public static List<JsonObject> numbers(String npa, int count) {
    List<JsonObject> numbers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      numbers.add(new JsonObject().put("caller_id", npa + "555" + String.format("%04d", 100 + i)));
    }
    return numbers;
  }

  /** The value of the first sample of metric {@code name} (without labels, or with any) in GET /metrics. */
  public Future<Double> metric(String name) {
    Pattern sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$");
    return http.get("/metrics")
      .timeout(5000)
      .send()
      .map(response -> {
        Matcher m = sample.matcher(response.bodyAsString());
        if (!m.find()) {
          throw new IllegalStateException("no " + name + " in /metrics");
        }
        return Double.parseDouble(m.group(1));
      });
  }

  public String bearer() {
    return "Bearer " + ADMIN_TOKEN;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
