package io.cidrotator;

import io.cidrotator.agi.AgiVerticle;
import io.cidrotator.allocation.AllocatorVerticle;
import io.cidrotator.auth.LoginThrottle;
import io.cidrotator.locality.Locality;
import io.cidrotator.auth.Users;
import io.cidrotator.csv.CsvTransfer;
import io.cidrotator.history.HistoryBatch;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.stats.RequestStats;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the settings, deploys the back ends (admin, allocators) and opens HTTP last, so the port
 * answers only when everything behind it can serve.
 */
public final class MainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  @Override
  public Future<?> start() {
    AppConfig config;
    try {
      config = AppConfig.from(AppConfig.withEnvironment(config(), System.getenv()));
    } catch (IllegalArgumentException e) {
      // CidRotator says it, in one line.
      return Future.failedFuture(e);
    }
    if (config.devMode()) {
      LOG.warn("==== EMBEDDED DEV MODE: embedded PostgreSQL and Redis, data under ./data. Not for production. ====");
    }
    LOG.info("Starting cid-rotator {} with {}", version(), config);
    Bus.registerLocalCodec(vertx, HistoryBatch.class);
    // Off the event loop: reading USERS_FILE and the numbering plan's locality, and the heaviest class initialization
    // of the start (Jackson's CSV mapper took 350 ms of an event loop on a cold JVM, seconds on a starved machine).
    return vertx.executeBlocking(() -> {
        Class.forName(CsvTransfer.class.getName());
        Locality.nanp();
        return Users.load(vertx, config.auth().usersFile());
      })
      .recover(e -> Future.failedFuture(e instanceof IllegalArgumentException ? e
        : new IllegalArgumentException("USERS_FILE: " + e.getMessage())))
      .compose(users -> deploy(config, users));
  }

  private Future<String> deploy(AppConfig config, Users users) {
    users.watch();
    warnAboutOpenDialerRoutes(config);
    warnAboutMissingSecretKey(config);
    LoginThrottle throttle = new LoginThrottle();
    RequestStats stats = new RequestStats(Metrics.registry());
    DeploymentOptions eventLoop = new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP);
    int frontDoors = config.routerInstances() * (config.agiPort() == 0 ? 1 : 2);
    StopOrder stopOrder = new StopOrder(frontDoors, config.shutdownGraceSeconds() * 1000L);
    return Future.all(
        vertx.deployVerticle(() -> new AdminVerticle(config, stopOrder), eventLoop),
        vertx.deployVerticle(() -> new AllocatorVerticle(config, stopOrder),
          new DeploymentOptions(eventLoop).setInstances(config.allocatorInstances())))
      .compose(ids -> config.agiPort() == 0 ? Future.<String>succeededFuture() : vertx.deployVerticle(
        () -> new AgiVerticle(config, stopOrder),
        new DeploymentOptions(eventLoop).setInstances(config.routerInstances())))
      .compose(ids -> vertx.deployVerticle(() -> new RouterVerticle(config, stats, throttle, users, version(),
        stopOrder), new DeploymentOptions(eventLoop).setInstances(config.routerInstances())))
      .onSuccess(id -> LOG.info("cid-rotator listening on http://{}:{}", config.apiHost(), config.apiPort()))
      .onFailure(e -> stopOrder.startFailed());
  }

  static void warnAboutMissingSecretKey(AppConfig config) {
    if (!config.devMode() && config.auth().secretKey() == null && config.auth().algorithm().equals("HS256")) {
      LOG.warn("SECRET_KEY is not set: the tokens POST /api/auth/token issues are signed with a key made at this "
        + "start, so they end with a restart and other nodes refuse them. Set SECRET_KEY (32+ random characters), "
        + "the same on every node");
    }
  }

  static void warnAboutOpenDialerRoutes(AppConfig config) {
    boolean loopback = config.apiHost().equals("localhost") || config.apiHost().startsWith("127.")
      || config.apiHost().equals("::1");
    if (!loopback && config.auth().dialerKeys().isEmpty() && config.auth().dialerNetworks().isEmpty()) {
      LOG.warn("API_HOST is {} and neither DIALER_KEYS nor ALLOWED_DIALER_IPS is set: anyone who reaches this "
        + "address can take caller-IDs from /next-cid and the FastAGI port", config.apiHost());
    }
  }

  static String version() {
    String version = MainVerticle.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
