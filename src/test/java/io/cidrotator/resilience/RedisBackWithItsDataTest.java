package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis with persistence (AOF) that goes away and comes back with its data. An admin write made
 * meanwhile commits in PostgreSQL and answers 503; once Redis is back the index must follow PostgreSQL,
 * even though Redis still holds its old, complete-looking copy.
 */
class RedisBackWithItsDataTest {

  @TempDir
  Path redisData;

  private OwnRedis redis;
  private TestServer server;

  @BeforeEach
  void startServerOnAPersistentRedis() {
    redis = OwnRedis.start(redisData, new JsonObject());
    server = redis.server;
    server.reset().seed(TestServer.numbers("512", 1));
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  @Test
  void aDeactivationMadeWhileRedisWasAwayReachesItWhenItIsBack() {
    redis.stopRedis();

    HttpResponse<Buffer> deactivation = server.http.delete("/api/caller-ids/5125550100")
      .putHeader("Authorization", server.bearer())
      .timeout(5000)
      .send()
      .await();
    assertThat(deactivation.statusCode()).as(deactivation.bodyAsString()).isEqualTo(503);
    assertThat(server.sql.query("SELECT is_active FROM caller_ids").execute().await().iterator().next()
      .getBoolean("is_active")).isFalse();

    redis.startRedis();

    HttpResponse<Buffer> number = Poll.until(server.vertx, Duration.ofSeconds(10),
      "the index showing the number inactive once Redis is back",
      () -> server.http.get("/api/caller-ids/5125550100").putHeader("Authorization", server.bearer()).timeout(5000)
        .send(),
      response -> response.statusCode() == 200
        && "inactive".equals(response.bodyAsJsonObject().getJsonObject("live").getString("state")));
    assertThat(number.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> nextCid = server.http.get("/next-cid").addQueryParam("to", "5125559999").send().await();
    assertThat(nextCid.statusCode()).as(nextCid.bodyAsString()).isEqualTo(503);
  }
}
