package io.cidrotator.resilience;

import io.cidrotator.Bus;
import io.cidrotator.BusCalls;
import io.cidrotator.TestServer;
import io.cidrotator.alert.Signature;
import io.cidrotator.alert.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Redis process, then a real PostgreSQL, stopped under a running server: once one has been unreachable for the
 * webhook's down_seconds, the webhook gets a signed dependency.down alert (for Redis only once within the cooldown,
 * kept in the node's memory, Redis being away; for PostgreSQL sent from memory, the delivery log being away).
 */
class DependencyDownAlertTest {

  private OwnRedis redis;
  private OwnPostgres postgres;
  private TestServer postgresServer;
  private WebhookReceiver receiver;

  @AfterEach
  void stop() throws IOException {
    receiver.close();
    if (redis != null) {
      redis.close();
    }
    if (postgresServer != null) {
      postgresServer.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void redisUnreachableForTheWebhooksSecondsIsAlertedOnce() {
    redis = OwnRedis.start(null, new JsonObject());
    TestServer server = redis.server;
    server.reset();
    server.sql.query("TRUNCATE webhooks CASCADE").execute().await();
    receiver = new WebhookReceiver(server.vertx);
    assertThat(server.http.post("/api/webhooks").bearerTokenAuthentication(TestServer.ADMIN_TOKEN)
      .sendJsonObject(new JsonObject().put("url", receiver.url()).put("secret", "a-secret-of-enough-length")
        .put("events", new JsonArray().add("dependency.down"))
        .put("conditions", new JsonObject().put("down_seconds", 10))).await().statusCode()).isEqualTo(201);
    Instant now = Instant.now();
    assertThat(watch(server, now).getInteger("dependency.down", 0)).as("Redis is up").isZero();

    redis.stopRedis();

    assertThat(watch(server, now.plusSeconds(1)).getInteger("dependency.down", 0)).as("not yet 10 s").isZero();
    assertThat(watch(server, now.plusSeconds(12)).getInteger("dependency.down")).isEqualTo(1);
    assertThat(watch(server, now.plusSeconds(30)).getInteger("dependency.down", 0)).as("cooldown").isZero();

    WebhookReceiver.Received got = receiver.await("dependency.down");
    assertThat(got.signature()).isEqualTo(Signature.of("a-secret-of-enough-length", got.body()));
    JsonObject body = got.json();
    assertThat(body.getString("subject")).isEqualTo("redis");
    assertThat(body.getJsonObject("data").getLong("seconds")).isEqualTo(11);
    assertThat(body.getString("summary")).startsWith("Redis has been unreachable from ").endsWith(" for 11 s");
    redis.startRedis();
  }

  /**
   * PostgreSQL stopped: the alert cannot be written to the delivery log, so it is sent from memory (the webhooks are
   * a copy in memory too), signed as any other.
   */
  @Test
  void postgresUnreachableIsAlertedFromMemory() {
    postgres = OwnPostgres.start();
    postgresServer = TestServer.start(postgres.settings());
    TestServer server = postgresServer;
    server.reset();
    receiver = new WebhookReceiver(server.vertx);
    assertThat(server.http.post("/api/webhooks").bearerTokenAuthentication(TestServer.ADMIN_TOKEN)
      .sendJsonObject(new JsonObject().put("url", receiver.url()).put("secret", "a-secret-of-enough-length")
        .put("events", new JsonArray().add("dependency.down"))
        .put("conditions", new JsonObject().put("down_seconds", 10))).await().statusCode()).isEqualTo(201);
    Instant now = Instant.now();

    postgres.stop();

    assertThat(watch(server, now).getInteger("dependency.down", 0)).as("not yet 10 s").isZero();
    assertThat(watch(server, now.plusSeconds(10)).getInteger("dependency.down")).isEqualTo(1);

    WebhookReceiver.Received got = receiver.await("dependency.down");
    assertThat(got.signature()).isEqualTo(Signature.of("a-secret-of-enough-length", got.body()));
    assertThat(got.json().getString("subject")).isEqualTo("postgresql");
    assertThat(got.json().getString("summary")).startsWith("PostgreSQL has been unreachable from ")
      .endsWith(" for 10 s");
    postgres.startAgain();
  }

  private static JsonObject watch(TestServer server, Instant at) {
    return new BusCalls(server.vertx).answer(Bus.ALERT_WATCH, new JsonObject().put("at", at.toEpochMilli()));
  }
}
