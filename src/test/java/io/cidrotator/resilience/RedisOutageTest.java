package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis of its own that the test stops and starts again (empty, as a Redis without persistence comes back
 * from a crash), with the shared PostgreSQL. The dialplan waits on us with a ~1 s CURL timeout: while Redis is
 * down (or stuck) every answer must be a fast 503, and once it is back the server must recover by itself.
 */
class RedisOutageTest {

  /**
   * The dialplan's CURLOPT(httptimeout) of about 1 s: a 503 after it is as good as none. The server answers at
   * ALLOCATION_TIMEOUT_MS (500 ms) + at most 20 ms; the rest is room for a busy CI machine.
   */
  private static final long FAST_MS = 1000;
  /** A hung request fails the test after this instead of stalling it. */
  private static final long HANG_MS = 5000;
  /** Longer than the three requests made meanwhile, each bounded by ALLOCATION_TIMEOUT_MS (500 ms). */
  private static final long STUCK_MS = 2500;

  private OwnRedis redis;
  private TestServer server;
  private List<String> seeded;

  @BeforeEach
  void startServerOnItsOwnRedis() {
    redis = OwnRedis.start(null, new JsonObject());
    server = redis.server;
    List<JsonObject> numbers = TestServer.numbers("512", 20);
    seeded = numbers.stream().map(n -> n.getString("caller_id")).toList();
    server.reset().seed(numbers);
    HttpResponse<Buffer> before = nextCid();
    assertThat(before.statusCode()).as("allocation before the outage").isEqualTo(200);
    assertThat(server.http.get("/release")
      .addQueryParam("caller_id", before.bodyAsJsonObject().getString("caller_id"))
      .send()
      .await()
      .statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stopServerAndRedis() {
    redis.close();
  }

  @Test
  void nextCidAnswers503FastWithADetailAndHealthIs503WhileRedisIsDown() {
    redis.stopRedis();

    for (int i = 0; i < 5; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> response = nextCid();
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;

      assertThat(response.statusCode()).as("request %d: %s", i, response.bodyAsString()).isEqualTo(503);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      assertThat(response.bodyAsJsonObject().getString("detail")).as("request %d", i).isNotBlank();
      assertThat(elapsedMs).as("request %d took %d ms", i, elapsedMs).isLessThan(FAST_MS);
    }
    HttpResponse<Buffer> health = server.http.get("/health").timeout(HANG_MS).send().await();
    assertThat(health.statusCode()).isEqualTo(503);
    JsonObject body = health.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("unhealthy");
    assertThat(body.getString("database")).isEqualTo("healthy");
    assertThat(body.getJsonObject("redis").getBoolean("connected")).isFalse();
    assertThat(body.getJsonObject("redis").getString("status")).isEqualTo("unhealthy");
    // Alive all the same: restarting the server would not bring Redis back.
    assertThat(server.http.get("/health/live").timeout(HANG_MS).send().await().statusCode()).isEqualTo(200);
  }

  @Test
  void nextCidInTextFormatAnswers503WithAnEmptyBodyWhileRedisIsDown() {
    redis.stopRedis();

    HttpResponse<Buffer> response = server.http.get("/next-cid")
      .addQueryParam("to", "5125551234")
      .addQueryParam("format", "text")
      .timeout(HANG_MS)
      .send()
      .await();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body() == null ? "" : response.bodyAsString()).isEmpty();
  }

  @Test
  void nextCidRecoversByItselfWhenRedisComesBackEmpty() {
    redis.stopRedis();
    assertThat(nextCid().statusCode()).isEqualTo(503);

    // Same port, nothing in it: no inventory, no 'loaded' marker, an empty script cache (EVALSHA -> NOSCRIPT).
    redis.startRedis();

    HttpResponse<Buffer> recovered = Poll.until(server.vertx, Duration.ofSeconds(10),
      "GET /next-cid answering 200 after Redis came back",
      this::nextCidAsync,
      response -> response.statusCode() == 200);
    assertThat(recovered.bodyAsJsonObject().getString("caller_id")).isIn(seeded);
    assertThat(recovered.bodyAsJsonObject().getString("tier")).isEqualTo("prefix");
    HttpResponse<Buffer> health = Poll.until(server.vertx, Duration.ofSeconds(5), "GET /health answering 200",
      () -> server.http.get("/health").timeout(HANG_MS).send(),
      response -> response.statusCode() == 200);
    assertThat(health.bodyAsJsonObject().getJsonObject("redis").getBoolean("connected")).isTrue();
  }

  @Test
  void nextCidAnswers503WithinTheAllocationTimeoutWhileRedisIsStuck() {
    pauseRedis(STUCK_MS);

    for (int i = 0; i < 3; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> response = nextCid();
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;

      assertThat(response.statusCode()).as("request %d: %s", i, response.bodyAsString()).isEqualTo(503);
      assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
      assertThat(elapsedMs).as("request %d took %d ms", i, elapsedMs).isLessThan(FAST_MS);
    }
  }

  @Test
  void allocationsThatTimedOutWhileRedisWasStuckLeaveNoNumberReserved() {
    pauseRedis(STUCK_MS);
    for (int i = 0; i < 3; i++) {
      assertThat(nextCid().statusCode()).isEqualTo(503);
    }

    // The callers got a 503, used VICIdial's own caller-ID and will never release anything: a number the
    // late-running allocation reserved anyway stays locked for DEFAULT_RESERVATION_TTL (300 s) and counts
    // towards its caps, for calls it never made.
    Poll.until(server.vertx, Duration.ofMillis(STUCK_MS + 3000), "no reservation left by the calls that got 503",
      () -> server.redis.send(Request.cmd(Command.ZCARD).arg(RedisKeys.reserved("default")))
        .map(Response::toLong),
      reserved -> reserved == 0);
  }

  /**
   * Stops Redis from serving any client for {@code ms} (CLIENT PAUSE ... ALL: their commands wait, as behind a slow
   * fork, a long script or a stalled host); in effect for every command that arrives after this returns.
   */
  private void pauseRedis(long ms) {
    server.redis.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(ms).arg("ALL")).await();
  }

  private HttpResponse<Buffer> nextCid() {
    return nextCidAsync().await();
  }

  private Future<HttpResponse<Buffer>> nextCidAsync() {
    return server.http.get("/next-cid")
      .addQueryParam("to", "5125551234")
      .addQueryParam("campaign", "outage")
      .timeout(HANG_MS)
      .send();
  }
}
