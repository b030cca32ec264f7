package io.cidrotator.bench;

import io.cidrotator.AppConfig;
import io.cidrotator.EmbeddedServices;
import io.cidrotator.MainVerticle;
import io.cidrotator.inventory.InventoryClient;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.stats.RequestStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server that {@code scripts/bench} loads: embedded PostgreSQL (data under {@code --data-dir}) and
 * Redis (no persistence), unless POSTGRES_URL / REDIS_URL name real ones; the real
 * {@link MainVerticle} with caps raised out of the way, and beside it the {@link DirectRouteVerticle} on a port of
 * its own (the same dialer routes without the event-bus hop); a synthetic
 * inventory bulk-loaded with COPY and then into Redis through the normal reload. Prints one line
 * {@code BENCH_SERVER_READY port=...} once it can be measured, then serves until killed.
 */
public final class BenchServer {

  private static final Logger LOG = LoggerFactory.getLogger(BenchServer.class);

  /** Settings the bench owns; --set may not change them. */
  private static final List<String> OWNED = List.of("API_HOST", "API_PORT", "DEV_MODE",
    "POSTGRES_URL", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB",
    "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD");

  private static final String WIPE = "TRUNCATE caller_ids, allocations";
  private static final String COPY_NUMBERS = "COPY caller_ids (caller_id, carrier, area_code) FROM STDIN";
  private static final int COPY_CHUNK = 64 * 1024;

  private BenchServer() {
  }

  public static void main(String[] args) throws Exception {
    Options options;
    SyntheticInventory inventory;
    try {
      options = Options.parse(args);
      inventory = new SyntheticInventory(options.numbers, options.areaCodes);
      refuseStrayEnvironment();
      refuseExternalWithoutWipe(options);
    } catch (IllegalArgumentException e) {
      System.err.println("BenchServer: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      serve(options, inventory);
    } catch (Exception e) {
      LOG.error("Bench server failed: {}", e.getMessage(), e);
      // Runs the shutdown hooks, which stop the embedded servers.
      System.exit(1);
    }
  }

  private static void serve(Options options, SyntheticInventory inventory) throws Exception {
    byte[] token = new byte[16];
    new SecureRandom().nextBytes(token);
    JsonObject config = new JsonObject()
      .put("ADMIN_TOKEN", HexFormat.of().formatHex(token))
      .put("API_HOST", "127.0.0.1")
      .put("API_PORT", EmbeddedServices.freePort())
      .put("DEFAULT_RESERVATION_TTL", options.reservationTtl)
      // Caps are not what is measured: at 20k/s over 10,000 numbers each is handed out ~7,000 times an hour.
      .put("DEFAULT_RATE_LIMIT_PER_AGENT", 1_000_000)
      .put("DEFAULT_HOURLY_LIMIT", 1_000_000)
      .put("DEFAULT_DAILY_LIMIT", 10_000_000);
    options.settings.forEach(config::put);
    if (System.getenv("POSTGRES_URL") == null) {
      LOG.info("Starting embedded PostgreSQL in {}", options.dataDir.resolve("postgres"));
      config.mergeIn(EmbeddedServices.startPostgres(options.dataDir.resolve("postgres")));
    }
    if (System.getenv("REDIS_URL") == null) {
      LOG.info("Starting embedded Redis (no persistence)");
      config.mergeIn(EmbeddedServices.startRedis(null));
    }
    AppConfig settings = AppConfig.from(AppConfig.withEnvironment(config, System.getenv()));

    Vertx vertx = Vertx.vertx(Metrics.vertxOptions(new VertxOptions()
      .setEventLoopPoolSize(AppConfig.eventLoops(AppConfig.withEnvironment(config, System.getenv())))));
    vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config)).await();
    int directPort = EmbeddedServices.freePort();
    vertx.deployVerticle(() -> new DirectRouteVerticle(settings, directPort, new RequestStats(new SimpleMeterRegistry())),
      new DeploymentOptions().setInstances(settings.routerInstances())).await();

    long seedStart = System.nanoTime();
    copyNumbers(settings, inventory);
    long seedMs = elapsedMs(seedStart);
    long loadStart = System.nanoTime();
    int loaded = new InventoryClient(vertx, TimeUnit.MINUTES.toMillis(30))
      .reload()
      .await()
      .getInteger("loaded");
    long loadMs = elapsedMs(loadStart);
    if (loaded != inventory.numbers()) {
      throw new IllegalStateException("Redis holds " + loaded + " numbers after the reload, expected "
        + inventory.numbers());
    }
    Files.write(options.areaCodesFile, inventory.seededAreaCodes(), StandardCharsets.US_ASCII);
    LOG.info("Seeded {} numbers over {} area codes: COPY {} ms, reload into Redis {} ms", loaded,
      inventory.seededAreaCodes().size(), seedMs, loadMs);
    System.out.println("BENCH_SERVER_READY port=" + settings.apiPort() + " direct_port=" + directPort
      + " numbers=" + loaded
      + " area_codes=" + inventory.seededAreaCodes().size() + " reservation_ttl_s=" + settings.reservationTtlSeconds()
      + " allocators=" + settings.allocatorInstances() + " routers=" + settings.routerInstances()
      + " copy_ms=" + seedMs + " reload_ms=" + loadMs);
    System.out.flush();
  }

  /** Replaces the inventory with the synthetic one in a single COPY, the fastest bulk load PostgreSQL has. */
  private static void copyNumbers(AppConfig settings, SyntheticInventory inventory) throws SQLException {
    try (Connection db = DriverManager.getConnection(settings.jdbcUrl(), settings.postgresUser(),
      settings.postgresPassword())) {
      try (Statement wipe = db.createStatement()) {
        wipe.execute(WIPE);
      }
      CopyIn copy = db.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_NUMBERS);
      try {
        StringBuilder chunk = new StringBuilder(COPY_CHUNK + 64);
        for (int i = 0; i < inventory.numbers(); i++) {
          chunk.append(inventory.callerId(i)).append("\tbench-carrier\t").append(inventory.areaCodeOf(i)).append('\n');
          if (chunk.length() >= COPY_CHUNK) {
            write(copy, chunk);
          }
        }
        write(copy, chunk);
        copy.endCopy();
      } finally {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
      }
      // Statistics of the table as loaded, as a server that has run a while has them (autovacuum's ANALYZE).
      try (Statement analyze = db.createStatement()) {
        analyze.execute("ANALYZE caller_ids");
      }
    }
  }

  private static void write(CopyIn copy, StringBuilder chunk) throws SQLException {
    byte[] bytes = chunk.toString().getBytes(StandardCharsets.US_ASCII);
    copy.writeToCopy(bytes, 0, bytes.length);
    chunk.setLength(0);
  }

  /**
   * MainVerticle lets the environment override its config: a stray API_PORT or DEFAULT_HOURLY_LIMIT would
   * silently change what is measured. scripts/bench unsets them; this catches any other launcher.
   */
  private static void refuseStrayEnvironment() {
    List<String> stray = AppConfig.KEYS.stream()
      .filter(key -> !key.equals("POSTGRES_URL") && !key.equals("REDIS_URL"))
      .filter(key -> System.getenv(key) != null)
      .toList();
    if (!stray.isEmpty()) {
      throw new IllegalArgumentException("unset " + String.join(", ", stray)
        + " (the bench sets the server's settings itself; only POSTGRES_URL and REDIS_URL are passed through)");
    }
  }

  private static void refuseExternalWithoutWipe(Options options) {
    boolean external = System.getenv("POSTGRES_URL") != null || System.getenv("REDIS_URL") != null;
    if (external && !options.allowWipe) {
      throw new IllegalArgumentException("POSTGRES_URL/REDIS_URL: the bench replaces the inventory there "
        + "(TRUNCATE caller_ids, allocations; the {cr}: index in Redis); pass --allow-wipe if they are throwaways");
    }
  }

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private record Options(int numbers, int areaCodes, int reservationTtl, Path dataDir, Path areaCodesFile,
                         boolean allowWipe, Map<String, String> settings) {

    static Options parse(String[] args) {
      int numbers = 10_000;
      int areaCodes = 100;
      int ttl = 10;
      Path dataDir = null;
      Path areaCodesFile = null;
      boolean allowWipe = false;
      Map<String, String> settings = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--numbers" -> numbers = integer(arg, value(args, ++i, arg));
          case "--area-codes" -> areaCodes = integer(arg, value(args, ++i, arg));
          case "--reservation-ttl" -> ttl = integer(arg, value(args, ++i, arg));
          case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
          case "--area-codes-file" -> areaCodesFile = Path.of(value(args, ++i, arg));
          case "--allow-wipe" -> allowWipe = true;
          case "--set" -> {
            String pair = value(args, ++i, arg);
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (eq < 1 || !AppConfig.KEYS.contains(key) || OWNED.contains(key)) {
              throw new IllegalArgumentException("--set: expected KEY=VALUE with a server setting other than "
                + String.join(", ", OWNED) + ", got '" + pair + "'");
            }
            settings.put(key, pair.substring(eq + 1));
          }
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (dataDir == null || areaCodesFile == null) {
        throw new IllegalArgumentException("--data-dir and --area-codes-file are required");
      }
      return new Options(numbers, areaCodes, ttl, dataDir, areaCodesFile, allowWipe, settings);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + ": missing value");
      }
      return args[i];
    }

    private static int integer(String option, String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + ": expected an integer, got '" + value + "'");
      }
    }
  }
}
