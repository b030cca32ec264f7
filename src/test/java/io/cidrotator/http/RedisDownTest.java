package io.cidrotator.http;

import io.cidrotator.EmbeddedServices;
import io.cidrotator.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract when Redis is down: /health says so with 503, /next-cid fails fast with 503 (the dialplan
 * then keeps VICIdial's own caller-ID), and service resumes once Redis is back. Uses a Redis of its own.
 */
class RedisDownTest {

  private static final int REDIS_PORT = EmbeddedServices.freePort();

  private static RedisServer redis;
  private static TestServer server;
  private static Api api;

  @BeforeAll
  static void startServer() {
    redis = EmbeddedServices.redisServer(REDIS_PORT, null);
    server = TestServer.start(new JsonObject().put("REDIS_HOST", "127.0.0.1").put("REDIS_PORT", REDIS_PORT));
    api = new Api(server);
    api.reset();
    server.seed(TestServer.numbers("512", 2));
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
    if (redis.isActive()) {
      redis.stop();
    }
  }

  @Test
  void healthAnswers503WhileRedisIsDown() throws IOException {
    redisDown();

    HttpResponse<Buffer> response = api.poll(() -> api.get("/health"), r -> r.statusCode() == 503,
      Duration.ofSeconds(3));

    assertThat(response.statusCode()).isEqualTo(503);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("unhealthy");
    assertThat(body.getString("database")).isEqualTo("connected");
    assertThat(body.getJsonObject("redis").getBoolean("connected")).isFalse();
  }

  @Test
  void nextCidAnswers503AtOnceWhileRedisIsDown() throws IOException {
    redisDown();

    HttpResponse<Buffer> response = api.poll(() -> api.nextCid("to", "5125551234"), r -> r.statusCode() == 503,
      Duration.ofSeconds(3));
    long started = System.nanoTime();
    HttpResponse<Buffer> again = api.nextCid("to", "5125551234");
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    assertThat(again.statusCode()).isEqualTo(503);
    assertThat(elapsedMs).isLessThan(1000);
  }

  @Test
  void nextCidInTextFormatAnswers503WithAnEmptyBodyWhileRedisIsDown() throws IOException {
    redisDown();

    HttpResponse<Buffer> response = api.poll(() -> api.nextCid("to", "5125551234", "format", "text"),
      r -> r.statusCode() == 503, Duration.ofSeconds(3));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body() == null ? "" : response.bodyAsString()).isEmpty();
  }

  @Test
  void nextCidServesAgainOnceRedisIsBack() throws IOException {
    redisDown();
    api.poll(() -> api.nextCid("to", "5125551234"), r -> r.statusCode() == 503, Duration.ofSeconds(3));

    // A Redis without persistence comes back empty: the server must notice and reload the inventory.
    redis = EmbeddedServices.redisServer(REDIS_PORT, null);
    HttpResponse<Buffer> response = api.poll(() -> api.nextCid("to", "5125551234"), r -> r.statusCode() == 200,
      Duration.ofSeconds(10));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("area_code")).isEqualTo("512");
  }

  private static void redisDown() throws IOException {
    if (redis.isActive()) {
      redis.stop();
    }
  }
}
