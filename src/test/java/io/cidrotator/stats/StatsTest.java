package io.cidrotator.stats;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/stats (admin). The request counters belong to the server instance and add up across the
 * tests of this class, so the tests assert on what changed.
 */
class StatsTest {

  @RegisterExtension
  static final Api api = new Api();

  @BeforeEach
  void emptyInventory() {
    api.reset();
  }

  @Test
  void statsAnswersTheOldFields() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/stats").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).contains("total_caller_ids", "active_caller_ids", "active_reservations",
      "requests_last_hour", "avg_response_time_ms", "timestamp");
    assertThat(body.getValue("total_caller_ids")).isInstanceOf(Number.class);
    assertThat(body.getValue("active_caller_ids")).isInstanceOf(Number.class);
    assertThat(body.getValue("active_reservations")).isInstanceOf(Number.class);
    assertThat(body.getValue("requests_last_hour")).isInstanceOf(Number.class);
    assertThat(body.getValue("avg_response_time_ms")).isInstanceOf(Number.class);
    assertThat(Instant.parse(body.getString("timestamp"))).isBetween(Instant.now().minusSeconds(5), Instant.now());
  }

  @Test
  void statsCountTheInventoryAndTheLiveReservations() {
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100"),
      new JsonObject().put("caller_id", "5125550101"),
      new JsonObject().put("caller_id", "5125550102").put("is_active", false)));
    api.allocate("5125551234");

    JsonObject stats = api.stats();

    assertThat(stats.getLong("total_caller_ids")).isEqualTo(3);
    assertThat(stats.getLong("active_caller_ids")).isEqualTo(2);
    assertThat(stats.getLong("active_reservations")).isEqualTo(1);
  }

  @Test
  void statsStopCountingAReservationOnceReleased() {
    api.server().seed(TestServer.numbers("512", 2));
    api.allocate("5125551234");
    api.release(api.allocate("5125551234"));

    assertThat(api.stats().getLong("active_reservations")).isEqualTo(1);
  }

  @Test
  void statsCountFailedNextCidRequestsToo() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject before = api.stats();

    assertThat(api.nextCid("to", "5125551234").statusCode()).isEqualTo(200);
    assertThat(api.nextCid("to", "123").statusCode()).isEqualTo(400);
    assertThat(api.nextCid("to", "5125551234").statusCode()).isEqualTo(503);
    JsonObject after = api.poll(api::stats,
      s -> s.getLong("requests_last_hour") - before.getLong("requests_last_hour") >= 3, Duration.ofSeconds(2));

    assertThat(after.getLong("requests_last_hour") - before.getLong("requests_last_hour")).isEqualTo(3);
    assertThat(outcome(after, "ok") - outcome(before, "ok")).isEqualTo(1);
    assertThat(outcome(after, "bad_request") - outcome(before, "bad_request")).isEqualTo(1);
    assertThat(outcome(after, "unavailable") - outcome(before, "unavailable")).isEqualTo(1);
    assertThat(after.getDouble("avg_response_time_ms")).isPositive();
  }

  @Test
  void statsCountAMissingDestinationAsABadRequest() {
    JsonObject before = api.stats();

    assertThat(api.nextCid("agent", "alice").statusCode()).isEqualTo(422);
    JsonObject after = api.poll(api::stats,
      s -> s.getLong("requests_last_hour") > before.getLong("requests_last_hour"), Duration.ofSeconds(2));

    assertThat(after.getLong("requests_last_hour") - before.getLong("requests_last_hour")).isEqualTo(1);
    assertThat(outcome(after, "bad_request") - outcome(before, "bad_request")).isEqualTo(1);
  }

  @Test
  void statsWithoutTokenReturns401() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/api/stats").send().await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.bodyAsJsonObject().fieldNames()).containsExactly("detail");
  }

  @Test
  void statsWithAWrongTokenReturns401() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/api/stats")
      .putHeader("Authorization", "Bearer wrong")
      .send()
      .await();

    assertThat(response.statusCode()).isEqualTo(401);
  }

  private static long outcome(JsonObject stats, String outcome) {
    JsonObject outcomes = stats.getJsonObject("outcomes_last_hour", new JsonObject());
    return outcomes.getLong(outcome, 0L);
  }
}
