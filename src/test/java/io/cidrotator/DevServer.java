package io.cidrotator;

import io.cidrotator.audit.Actor;
import io.cidrotator.callerid.CallerIdClient;
import io.cidrotator.metrics.Metrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The embedded dev mode behind {@code scripts/run}: embedded PostgreSQL and Redis with their data under
 * {@code ./data} (unless POSTGRES_HOST/POSTGRES_URL or REDIS_HOST/REDIS_URL name real ones), then the
 * server itself. Lives on the test classpath so the production jar carries no database binaries.
 */
public final class DevServer {

  private static final Logger LOG = LoggerFactory.getLogger(DevServer.class);
  private static final List<String> SAMPLE_AREA_CODES = List.of("512", "737", "212", "415", "312", "305", "214", "602");

  private DevServer() {
  }

  public static void main(String[] args) throws IOException {
    List<String> options = Arrays.asList(args);
    if (options.contains("--help")) {
      System.out.println("usage: scripts/run [--sample]   (--sample loads demo numbers)");
      return;
    }
    Path conf = Path.of(System.getenv().getOrDefault("CONFIG_FILE", "conf/config.json"));
    JsonObject config = Files.exists(conf) ? new JsonObject(Files.readString(conf)) : new JsonObject();
    config.put("DEV_MODE", true);
    if (System.getenv("ADMIN_TOKEN") == null) {
      config.put("ADMIN_TOKEN", "dev-admin-token");
    }
    Path data = Path.of("data");
    if (System.getenv("POSTGRES_HOST") == null && System.getenv("POSTGRES_URL") == null) {
      LOG.warn("Embedded dev mode: starting embedded PostgreSQL with data in {}", data.resolve("postgres"));
      config.mergeIn(EmbeddedServices.startPostgres(data.resolve("postgres")));
    }
    if (System.getenv("REDIS_HOST") == null && System.getenv("REDIS_URL") == null) {
      LOG.warn("Embedded dev mode: starting embedded Redis with data in {}", data.resolve("redis"));
      config.mergeIn(EmbeddedServices.startRedis(data.resolve("redis")));
    }
    Vertx vertx = Vertx.vertx(Metrics.vertxOptions(new VertxOptions()
      .setEventLoopPoolSize(AppConfig.eventLoops(AppConfig.withEnvironment(config, System.getenv())))));
    // Ctrl-C stops the server first, as SIGTERM does in production, then the embedded databases.
    EmbeddedServices.stopFirst(() -> vertx.close().toCompletionStage().toCompletableFuture().join());
    boolean devToken = System.getenv("ADMIN_TOKEN") == null;
    vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config))
      .onSuccess(id -> banner(AppConfig.from(AppConfig.withEnvironment(config, System.getenv())), devToken))
      .compose(id -> options.contains("--sample") ? loadSample(vertx) : Future.succeededFuture())
      .onFailure(e -> {
        LOG.error("Start-up failed: {}", e.getMessage());
        System.exit(1);
      });
  }

  /** What a developer needs to use the dev server: where it answers, the token, FastAGI, its databases. */
  private static void banner(AppConfig config, boolean devToken) {
    String postgres = "postgresql://" + config.postgresUser() + "@" + config.postgresHost() + ":"
      + config.postgresPort() + "/" + config.postgresDb();
    LOG.warn("""
      ==== cid-rotator, embedded dev mode ====
        dashboard and API   http://{}:{}/   admin token: {}
        FastAGI             {}
        PostgreSQL          {}   (scripts/cidctl backup FILE with POSTGRES_URL={})
        Redis               redis://{}:{}/{}
      Stop with Ctrl-C. Not for production: the data under ./data is a developer's.""",
      config.apiHost(), config.apiPort(), devToken ? "dev-admin-token" : "ADMIN_TOKEN of your environment",
      config.agiPort() == 0 ? "off (AGI_PORT=0)" : "agi://" + config.apiHost() + ":" + config.agiPort() + "/next-cid",
      postgres, postgres, config.redisHost(), config.redisPort(), config.redisDb());
  }

  /** Eight area codes, six numbers each, in the 555-01XX range reserved for fiction. */
  private static Future<Void> loadSample(Vertx vertx) {
    CallerIdClient callerIds = new CallerIdClient(vertx, 10_000);
    List<Future<?>> adds = new ArrayList<>();
    for (String npa : SAMPLE_AREA_CODES) {
      for (int i = 1; i <= 6; i++) {
        JsonObject number = new JsonObject()
          .put("caller_id", npa + "55501" + String.format("%02d", i))
          .put("area_code", npa)
          .put("carrier", i % 2 == 0 ? "sample-carrier-a" : "sample-carrier-b")
          .put("pool", "default");
        adds.add(callerIds.create(number, Actor.SYSTEM)
          .recover(e -> e instanceof ReplyException r && r.failureCode() == 409
            ? Future.succeededFuture()
            : Future.failedFuture(e)));
      }
    }
    return Future.all(adds)
      .onSuccess(v -> LOG.info("Sample numbers loaded: {} area codes x 6", SAMPLE_AREA_CODES.size()))
      .mapEmpty();
  }
}
