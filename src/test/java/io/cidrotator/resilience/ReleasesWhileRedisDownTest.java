package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hangup's release that comes while Redis is unreachable is kept by the allocator and applied once Redis is back,
 * whether Redis kept its data or came back empty and was rebuilt: the number does not stay reserved until its TTL.
 */
class ReleasesWhileRedisDownTest {

  @TempDir
  Path redisData;

  private OwnRedis redis;

  @AfterEach
  void stop() {
    redis.close();
  }

  @Test
  void aReleaseMadeWhileRedisWasAwayEndsTheReservationWhenRedisIsBackWithItsData() {
    redis = OwnRedis.start(redisData, new JsonObject().put("DEFAULT_RESERVATION_TTL", 3600));
    aReleaseWhileRedisIsAwayIsAppliedWhenItIsBack();
  }

  @Test
  void aReleaseMadeWhileRedisWasAwayEndsTheReservationAfterRedisCameBackEmptyAndWasRebuilt() {
    redis = OwnRedis.start(null, new JsonObject().put("DEFAULT_RESERVATION_TTL", 3600));
    aReleaseWhileRedisIsAwayIsAppliedWhenItIsBack();
  }

  private void aReleaseWhileRedisIsAwayIsAppliedWhenItIsBack() {
    TestServer server = redis.server;
    server.reset().seed(TestServer.numbers("512", 1));
    JsonObject call = server.http.get("/next-cid").addQueryParam("to", "5125551234").addQueryParam("campaign", "C1")
      .send().await().bodyAsJsonObject();
    // The allocation is in PostgreSQL's history before Redis goes (a rebuild restores its reservation from there).
    server.awaitHistoryWritten();
    redis.stopRedis();

    HttpResponse<Buffer> release = server.http.get("/release").addQueryParam("caller_id", "5125550100")
      .addQueryParam("dialstatus", "ANSWER").timeout(5000).send().await();
    assertThat(release.statusCode()).as(release.bodyAsString()).isEqualTo(503);
    assertThat(release.bodyAsJsonObject().getString("detail")).contains("the release is kept");
    assertThat(server.http.get("/metrics").send().await().bodyAsString())
      .containsPattern("(?m)^cidrotator_releases_kept 1");

    redis.startRedis();

    Poll.until(server.vertx, Duration.ofSeconds(15), "the number free again once Redis is back",
      () -> server.http.get("/next-cid").addQueryParam("to", "5125551234").addQueryParam("campaign", "C1")
        .timeout(2000).send().map(HttpResponse::statusCode),
      status -> status == 200);
    server.awaitHistoryWritten();
    Row row = server.sql.query("SELECT id, outcome, dial_status FROM allocations ORDER BY allocated_at")
      .execute().await().iterator().next();
    assertThat(row.getUUID("id").toString()).isEqualTo(call.getString("reservation"));
    assertThat(row.getString("outcome")).isEqualTo("released");
    assertThat(row.getString("dial_status")).isEqualTo("ANSWER");
    assertThat(server.http.get("/metrics").send().await().bodyAsString())
      .containsPattern("(?m)^cidrotator_releases_kept 0");
  }
}
