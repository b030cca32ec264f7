package io.cidrotator.reputation;

import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rest ladder over a simulated day, on a real server: releases fed with chosen outcomes, rounds run as of chosen
 * times (the bus address the minute timer uses). Six numbers of 512; two of them (0001, 0002) are never answered, the
 * others every second call.
 */
class RestLadderTest {

  @RegisterExtension
  static final Api api = new Api();
  private static final HealthCalls calls = new HealthCalls(api);

  private static final List<String> NUMBERS = IntStream.rangeClosed(1, 6)
    .mapToObj(i -> String.format("512555%04d", i)).toList();
  private static final Set<String> BURNED = Set.of("5125550001", "5125550002");
  private static final int REST_HOURS = 4;
  private static final int PROBATION_HOURS = 2;
  private static final int PROBATION_CAP = 2;

  @BeforeEach
  void sixNumbersAndPatientThresholds() {
    api.reset();
    api.server().seed(NUMBERS.stream().map(cid -> new JsonObject().put("caller_id", cid)).toList());
    HttpResponse<Buffer> patched = api.admin(HttpMethod.PATCH, "/api/pools/default")
      .sendJsonObject(new JsonObject().put("health", new JsonObject().put("min_calls", 20)
        .put("rest_hours", REST_HOURS).put("probation_hours", PROBATION_HOURS)
        .put("probation_hourly_limit", PROBATION_CAP).put("retire_after", 2)))
      .await();
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
  }

  @Test
  void aDayOfOutcomesRestsExactlyTheBurnedNumbersAndBringsThemBackOnSchedule() {
    feedCalls(180);
    Instant now = Instant.now();

    JsonObject first = calls.round(now);

    assertThat(first.getInteger("resting")).isEqualTo(2);
    assertThat(calls.numbersIn("resting")).containsExactlyInAnyOrderElementsOf(BURNED);
    JsonObject rested = calls.detail("5125550001");
    assertThat(rested.getString("health_state")).isEqualTo("resting");
    assertThat(rested.getJsonObject("live").getString("state")).as("out of Redis's available sets")
      .isEqualTo("inactive");
    JsonObject reason = rested.getJsonObject("health").getJsonObject("reason");
    assertThat(reason.getString("rule")).isEqualTo(HealthRule.NAME);
    assertThat(reason.getLong("calls_24h")).isGreaterThanOrEqualTo(20);
    assertThat(reason.getDouble("upper_bound")).isLessThan(reason.getDouble("pool_answer_rate_7d") * 0.5);
    assertThat(calls.audited("caller_id.rest", "5125550001")).hasSize(1);
    assertThat(calls.audited("caller_id.rest", "5125550003")).isEmpty();
    JsonObject numberHealth = api.admin(HttpMethod.GET, "/api/stats").send().await().bodyAsJsonObject()
      .getJsonObject("number_health");
    assertThat(numberHealth.getLong("rested_today")).isEqualTo(2);
    assertThat(numberHealth.getLong("resting")).isEqualTo(2);
    assertThat(numberHealth.getLong("healthy")).isEqualTo(4);

    // Under concurrent load, a resting number is never handed out.
    assertThat(calls.handedOutUnderLoad(240, 12)).doesNotContainAnyElementsOf(BURNED).isNotEmpty();

    // The rest is over: probation, under the lower hourly cap, handed out again.
    JsonObject later = calls.round(now.plus(Duration.ofHours(REST_HOURS)).plusSeconds(60));
    assertThat(later.getInteger("probation")).isEqualTo(2);
    JsonObject onProbation = calls.detail("5125550001");
    assertThat(onProbation.getString("health_state")).isEqualTo("probation");
    assertThat(onProbation.getJsonObject("live").getInteger("hourly_limit")).isEqualTo(PROBATION_CAP);

    JsonObject healthy = calls.round(now.plus(Duration.ofHours(REST_HOURS + PROBATION_HOURS)).plusSeconds(120));
    assertThat(healthy.getInteger("healthy")).isEqualTo(2);
    assertThat(calls.numbersIn("healthy")).containsExactlyInAnyOrderElementsOf(NUMBERS);
    assertThat(calls.detail("5125550001").getJsonObject("live").getInteger("hourly_limit"))
      .isGreaterThan(PROBATION_CAP);

    // Called again, still unanswered, and rested again within retire_days (2 rests): retired until an admin acts.
    // A number back from a rest is judged on the hours after the one it came back in: as if it came back two hours
    // ago (this test's calls all fall in the current hour).
    api.server().sql.query("UPDATE caller_ids SET health_since = now() - interval '2 hours'").execute().await();
    feedCalls(150);
    JsonObject again = calls.round(Instant.now());
    assertThat(again.getInteger("retired")).isEqualTo(2);
    assertThat(calls.numbersIn("retired")).containsExactlyInAnyOrderElementsOf(BURNED);
    assertThat(calls.round(Instant.now().plus(Duration.ofDays(3))).getInteger("healthy")).as("retired stays").isZero();
    assertThat(calls.detail("5125550002").getJsonObject("live").getString("state")).isEqualTo("inactive");

    // Until an admin acts: back to healthy, in rotation at its own caps, audited.
    HttpResponse<Buffer> refused = api.admin(HttpMethod.PATCH, "/api/caller-ids/5125550002")
      .sendJsonObject(new JsonObject().put("health_state", "resting")).await();
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getString("detail")).startsWith("health_state:");
    HttpResponse<Buffer> back = api.admin(HttpMethod.PATCH, "/api/caller-ids/5125550002")
      .sendJsonObject(new JsonObject().put("health_state", "healthy")).await();
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(200);
    JsonObject healed = calls.detail("5125550002");
    assertThat(healed.getString("health_state")).isEqualTo("healthy");
    assertThat(healed.getJsonObject("live").getString("state")).isEqualTo("available");
    assertThat(calls.audited("caller_id.update", "5125550002").get(0).getJsonObject("after").getString("health_state"))
      .isEqualTo("healthy");
  }

  @Test
  void aRedisRestartedEmptyKeepsRestingNumbersOutOfRotation() {
    feedCalls(180);
    assertThat(calls.round(Instant.now()).getInteger("resting")).isEqualTo(2);

    api.redis(Request.cmd(Command.FLUSHDB));
    HttpResponse<Buffer> after = api.poll(() -> api.nextCid("to", "5125551234"), r -> r.statusCode() != 503,
      Duration.ofSeconds(5));

    assertThat(after.statusCode()).isEqualTo(200);
    api.release(after.bodyAsJsonObject().getString("caller_id"));
    assertThat(calls.detail("5125550001").getJsonObject("live").getString("state")).isEqualTo("inactive");
    assertThat(calls.handedOutUnderLoad(120, 12)).doesNotContainAnyElementsOf(BURNED).isNotEmpty();
  }

  @Test
  void aReservationThatRanOutIsAnUnknownOutcomeAndTheHistorySaysItExpired() {
    HttpResponse<Buffer> allocated = api.nextCid("to", "5125551234", "agent", "a1");
    String cid = allocated.bodyAsJsonObject().getString("caller_id");
    api.awaitHistoryWritten();

    JsonObject later = calls.round(Instant.now().plus(Duration.ofHours(1)));

    assertThat(later.getInteger("expired")).isEqualTo(1);
    JsonObject day = calls.detail(cid).getJsonObject("health").getJsonObject("last_24h");
    assertThat(day.getLong("expired")).isEqualTo(1);
    assertThat(day.getLong("calls")).as("not a failed call").isZero();
    Row row = api.server().sql.preparedQuery("SELECT outcome FROM allocations WHERE caller_id = $1")
      .execute(Tuple.of(cid)).await().iterator().next();
    assertThat(row.getString("outcome")).isEqualTo("expired");
    assertThat(calls.round(Instant.now().plus(Duration.ofHours(2))).getInteger("expired")).as("counted once").isZero();
  }

  @Test
  void badThresholdsAreA400NamingThemAndChangeNothing() {
    for (JsonObject bad : List.of(new JsonObject().put("min_calls", 3), new JsonObject().put("ratio", 2),
      new JsonObject().put("rest_hours", 1.5), new JsonObject().put("auto_rest", "yes"),
      new JsonObject().put("restHours", 4))) {
      HttpResponse<Buffer> response = api.admin(HttpMethod.PATCH, "/api/pools/default")
        .sendJsonObject(new JsonObject().put("health", bad)).await();
      assertThat(response.statusCode()).as(bad.encode()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("detail")).contains("health." + bad.fieldNames().iterator()
        .next());
    }
    JsonObject health = api.admin(HttpMethod.GET, "/api/pools/default").send().await().bodyAsJsonObject()
      .getJsonObject("health");
    assertThat(health.getInteger("min_calls")).isEqualTo(20);
    assertThat(health.getDouble("ratio")).isEqualTo(0.5);
    assertThat(api.admin(HttpMethod.GET, "/api/caller-ids?health=sick").send().await().statusCode())
      .isEqualTo(400);
  }

  // ---- helpers ----

  /** {@code calls} calls through /next-cid, each released with its outcome. */
  private static void feedCalls(int calls) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      JsonObject allocation = api.nextCid("to", "5125551234", "campaign", "c1", "agent", "a" + (i % 7))
        .bodyAsJsonObject();
      String cid = allocation.getString("caller_id");
      boolean answered = !BURNED.contains(cid) && seen.merge(cid, 1, Integer::sum) % 2 == 0;
      HttpResponse<Buffer> released = api.get("/release", "caller_id", cid, "reservation",
        allocation.getString("reservation"), "dialstatus", answered ? "ANSWER" : "NOANSWER", "answered",
        answered ? "42" : "0");
      assertThat(released.statusCode()).as(released.bodyAsString()).isEqualTo(200);
    }
    api.awaitHistoryWritten();
  }

}
