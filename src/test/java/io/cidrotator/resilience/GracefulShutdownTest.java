package io.cidrotator.resilience;

import io.cidrotator.AppConfig;
import io.cidrotator.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM (systemd, {@code docker stop}) under load: the node stops accepting, answers every request already in
 * flight, writes their history, and exits within its grace period. The node runs in a JVM of its own.
 */
class GracefulShutdownTest {

  private static final int IN_FLIGHT = 32;
  private static final int GRACE_SECONDS = 10;

  private final Vertx vertx = Vertx.vertx();
  private AppConfig config;
  private ServerProcess node;

  @BeforeEach
  void seedThenStartTheNode() {
    TestServer seeder = TestServer.start();
    seeder.reset().seed(TestServer.numbers("512", IN_FLIGHT));
    seeder.close();
    JsonObject settings = TestServer.baseConfig()
      .put("ALLOCATION_TIMEOUT_MS", 5000)
      .put("DEFAULT_RATE_LIMIT_PER_AGENT", 1_000_000)
      .put("SHUTDOWN_GRACE_SECONDS", GRACE_SECONDS);
    config = AppConfig.from(settings);
    node = ServerProcess.start("graceful-node", settings, vertx);
  }

  @AfterEach
  void stop() {
    node.close();
    vertx.close().await();
  }

  @Test
  void everyRequestInFlightAtSigtermIsAnsweredAndInTheHistory() {
    Redis redis = Redis.createClient(vertx, config.redisConnectionString());
    // Redis holds every allocation for 1.5 s: the requests are in the node, waiting, when SIGTERM comes.
    redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(1500)).await();
    WebClient http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false),
      new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      answers.add(http.get(node.port, "127.0.0.1", "/next-cid")
        .addQueryParam("to", "5125551234").addQueryParam("campaign", "SIGTERM").addQueryParam("agent", "100" + i)
        .timeout(15_000)
        .send()
        .map(response -> response.statusCode()));
    }
    vertx.timer(500).await();

    long start = System.nanoTime();
    node.terminate(Duration.ofSeconds(GRACE_SECONDS + 20));
    long stopMs = (System.nanoTime() - start) / 1_000_000;

    Future.join(answers).otherwiseEmpty().await();
    List<Integer> statuses = answeredStatuses(answers);
    assertThat(statuses).as("answers to the requests in flight at SIGTERM").hasSize(IN_FLIGHT).containsOnly(200);
    assertThat(stopMs).as("time from SIGTERM to exit, ms").isLessThan(GRACE_SECONDS * 1000L);
    assertThat(historyRows()).as("history rows written by the node before it exited").isEqualTo(IN_FLIGHT);
    System.out.printf("SIGTERM with %d requests in flight: all answered 200, exit after %d ms%n", IN_FLIGHT, stopMs);
  }

  /** The status of each request that got an answer; a request cut off without one is left out. */
  private static List<Integer> answeredStatuses(List<Future<Integer>> answers) {
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> answer : answers) {
      if (answer.succeeded()) {
        statuses.add(answer.result());
      }
    }
    return statuses;
  }

  private long historyRows() {
    Pool sql = TestServer.sql(vertx, config);
    try {
      return sql.query("SELECT count(*) FROM allocations").execute().await().iterator().next().getLong(0);
    } finally {
      sql.close().await();
    }
  }
}
