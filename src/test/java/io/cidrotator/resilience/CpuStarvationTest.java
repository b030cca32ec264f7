package io.cidrotator.resilience;

import io.cidrotator.AppConfig;
import io.cidrotator.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A starved machine (more busy processes than cores) while Redis does not answer: every allocation still answers
 * 503 within twice ALLOCATION_TIMEOUT_MS, so a dialplan's 1 s CURL timeout is never what ends the wait. The node
 * runs in a JVM of its own, competing with the busy processes like any other.
 */
class CpuStarvationTest {

  private static final int TIMEOUT_MS = 500;
  private static final int REQUESTS = 30;

  private final Vertx vertx = Vertx.vertx();
  private final List<Process> hogs = new ArrayList<>();
  private ServerProcess node;
  private AppConfig config;

  @BeforeEach
  void startTheNode() {
    TestServer seeder = TestServer.start();
    seeder.reset().seed(TestServer.numbers("512", 5));
    seeder.close();
    JsonObject settings = TestServer.baseConfig().put("ALLOCATION_TIMEOUT_MS", TIMEOUT_MS);
    config = AppConfig.from(settings);
    node = ServerProcess.start("starved-node", settings, vertx);
  }

  @AfterEach
  void stop() {
    hogs.forEach(Process::destroyForcibly);
    node.close();
    vertx.close().await();
  }

  @Test
  void withTwiceAsManyBusyProcessesAsCoresAndRedisStalledEvery503ComesWithinTwiceTheTimeout() throws IOException {
    int busy = 2 * Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < busy; i++) {
      hogs.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
    }
    Redis redis = Redis.createClient(vertx, config.redisConnectionString());
    // Longer than the requests take (each waits its timeout); lifted at the end.
    redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(REQUESTS * (TIMEOUT_MS + 500) + 5000)).await();
    WebClient http = WebClient.create(vertx);
    List<Long> waits = new ArrayList<>();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      long start = System.nanoTime();
      HttpResponse<?> response = http.get(node.port, "127.0.0.1", "/next-cid").addQueryParam("to", "5125551234")
        .addQueryParam("campaign", "STARVED").addQueryParam("agent", "1001").timeout(10_000).send().await();
      waits.add((System.nanoTime() - start) / 1_000_000);
      statuses.add(response.statusCode());
      vertx.timer(50).await();
    }
    http.close();
    redis.send(Request.cmd(Command.CLIENT).arg("UNPAUSE")).await();
    hogs.forEach(Process::destroyForcibly);

    System.out.printf("starved (%d busy processes): 503 after %s ms%n", busy, waits);
    assertThat(statuses).containsOnly(503);
    assertThat(waits).allSatisfy(ms -> assertThat(ms).as("ms to the 503").isLessThanOrEqualTo(2L * TIMEOUT_MS));
  }
}
