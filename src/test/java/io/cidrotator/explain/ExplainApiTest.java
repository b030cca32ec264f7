package io.cidrotator.explain;

import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/explain: a dry run of /next-cid that reserves and counts nothing, and names the number /next-cid then
 * hands out, tier by tier, for a callee in Manhattan and numbers ever further from it.
 */
class ExplainApiTest {

  @RegisterExtension
  static final Api api = new Api();

  private static final String MANHATTAN = "2125551234";

  @BeforeEach
  void numbersEverFurtherFromManhattan() {
    api.reset();
    api.server().seed(Stream.of("2125550001", "2125550002", "2127770001", "6465550001", "5185550001", "3055550001",
      "4155550001").map(cid -> new JsonObject().put("caller_id", cid)).toList());
  }

  private static JsonObject explain(String... params) {
    HttpResponse<Buffer> response = explainResponse(params);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> explainResponse(String... params) {
    StringBuilder uri = new StringBuilder("/api/explain");
    for (int i = 0; i < params.length; i += 2) {
      uri.append(i == 0 ? '?' : '&').append(params[i]).append('=').append(params[i + 1]);
    }
    return api.admin(HttpMethod.GET, uri.toString()).send().await();
  }

  @Test
  void explainAgreesWithEveryAllocationThatFollowsAndReservesNothing() {
    boolean refused = false;
    for (int i = 0; i < 9; i++) {
      JsonObject explained = explain("to", MANHATTAN, "campaign", "sales");
      long reservedBefore = api.reservedCount();
      HttpResponse<Buffer> allocated = api.nextCid("to", MANHATTAN, "campaign", "sales", "agent", "a1");

      if (explained.getJsonObject("choice") == null) {
        assertThat(explained.getJsonObject("refusal").getString("reason")).isEqualTo("all_reserved");
        assertThat(allocated.statusCode()).isEqualTo(explained.getJsonObject("refusal").getInteger("status"));
        assertThat(allocated.bodyAsJsonObject().getString("detail")).contains("is on a live call");
        assertThat(i).as("the pool ran out after its 7 numbers and the one released").isEqualTo(8);
        refused = true;
        break;
      }
      assertThat(allocated.statusCode()).isEqualTo(200);
      assertThat(allocated.bodyAsJsonObject().getString("caller_id"))
        .isEqualTo(explained.getJsonObject("choice").getString("caller_id"));
      assertThat(allocated.bodyAsJsonObject().getString("tier"))
        .isEqualTo(explained.getJsonObject("choice").getString("tier"));
      assertThat(api.reservedCount()).as("explain reserved nothing").isEqualTo(reservedBefore + 1);
      if (i == 2) {
        // A released number comes back: explain must see it as the next allocation does.
        api.release("2125550001");
      }
    }
    assertThat(refused).isTrue();
  }

  @Test
  void eachTierSaysWhatItHoldsForTheCallee() {
    api.nextCid("to", MANHATTAN);
    api.admin(HttpMethod.PATCH, "/api/caller-ids/6465550001").sendJsonObject(new JsonObject().put("active", false))
      .await();

    JsonObject explained = explain("to", "1" + MANHATTAN);

    assertThat(explained.getString("destination")).isEqualTo(MANHATTAN);
    assertThat(explained.getString("pool")).isEqualTo("default");
    assertThat(explained.getJsonArray("tiers")).containsExactly("prefix", "area_code", "overlay", "state", "time_zone",
      "pool");
    assertThat(explained.getJsonObject("locality").getString("region")).isEqualTo("US-NY");
    assertThat(explained.getJsonObject("locality").getJsonArray("local_time").getJsonObject(0).getString("zone"))
      .isEqualTo("America/New_York");
    JsonArray steps = explained.getJsonArray("steps");
    // tier, key, available, reserved, capped, inactive: each tier counts the nearer ones too.
    assertThat(steps.stream().map(JsonObject.class::cast).map(s -> List.of(s.getString("tier"),
      String.valueOf(s.getString("key")), s.getLong("available"), s.getLong("reserved"), s.getLong("capped"),
      s.getLong("inactive"))).toList()).containsExactly(
        List.of("prefix", "212-555", 1L, 1L, 0L, 0L),
        List.of("area_code", "212", 2L, 1L, 0L, 0L),
        List.of("overlay", "212", 2L, 1L, 0L, 1L),
        List.of("state", "US-NY", 3L, 1L, 0L, 1L),
        List.of("time_zone", "America/New_York", 4L, 1L, 0L, 1L),
        List.of("pool", "default", 5L, 1L, 0L, 1L));
    assertThat(explained.getJsonObject("choice").getString("caller_id")).isEqualTo("2125550002");
    assertThat(explained.getJsonObject("choice").getString("why")).startsWith("'prefix' is the first of the pool's "
      + "tiers");
  }

  @Test
  void aDestinationsStickyNumberIsExplainedFirstAndNextCidHandsItOut() {
    api.admin(HttpMethod.PATCH, "/api/pools/default").sendJsonObject(new JsonObject().put("sticky_days", 7)).await();
    assertThat(api.allocate(MANHATTAN)).isEqualTo("2125550001");
    api.release("2125550001");

    JsonObject explained = explain("to", MANHATTAN);
    HttpResponse<Buffer> allocated = api.nextCid("to", MANHATTAN);

    JsonObject sticky = explained.getJsonArray("steps").getJsonObject(0);
    assertThat(List.of(sticky.getString("tier"), sticky.getString("key"), sticky.getLong("available"),
      sticky.getString("first"))).containsExactly("sticky", "2125550001", 1L, "2125550001");
    assertThat(explained.getJsonObject("choice").getString("tier")).isEqualTo("sticky");
    assertThat(allocated.bodyAsJsonObject().getString("caller_id")).isEqualTo("2125550001");
    assertThat(allocated.bodyAsJsonObject().getString("tier")).isEqualTo("sticky");
  }

  @Test
  void afterRedisLostItsDataTheTiersAreRebuiltAndTheStickyMemoryIsGone() {
    api.admin(HttpMethod.PATCH, "/api/pools/default").sendJsonObject(new JsonObject().put("sticky_days", 7)).await();
    assertThat(api.allocate(MANHATTAN)).isEqualTo("2125550001");
    api.release("2125550001");
    api.server().awaitHistoryWritten();
    api.redis(Request.cmd(Command.FLUSHDB));

    HttpResponse<Buffer> after = api.poll(() -> api.nextCid("to", MANHATTAN), r -> r.statusCode() != 503,
      Duration.ofSeconds(5));

    // The sticky memory lived only in Redis: the tiers answer, least recently used first (2125550001 was used).
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(List.of(after.bodyAsJsonObject().getString("caller_id"), after.bodyAsJsonObject().getString("tier")))
      .containsExactly("2125550002", "prefix");
    JsonObject explained = explain("to", MANHATTAN);
    assertThat(explained.getJsonArray("steps").getJsonObject(0).getString("key")).isEqualTo("2125550002");
    assertThat(explained.getJsonArray("steps").getJsonObject(1).getLong("available")).isEqualTo(1);
  }

  @Test
  void aPoolThatStopsShortOfTheWholePoolIsExplainedAsNextCidRefuses() {
    api.admin(HttpMethod.PATCH, "/api/pools/default").sendJsonObject(new JsonObject().put("tiers", "prefix"))
      .await();

    JsonObject explained = explain("to", "2025551234");
    HttpResponse<Buffer> allocated = api.nextCid("to", "2025551234");

    assertThat(explained.getJsonObject("choice")).isNull();
    assertThat(explained.getJsonObject("refusal").getString("reason")).isEqualTo("no_local_number");
    assertThat(allocated.statusCode()).isEqualTo(503);
    assertThat(allocated.bodyAsJsonObject().getString("detail")).startsWith("no caller-ID available (no_local_number): "
      + "pool 'default' has no number free for area code 202 in its tiers (prefix)");
  }

  @Test
  void outsideTheCallingWindowExplainSaysSoAsNextCidRefusesWith451() {
    int now = LocalTime.now(ZoneId.of("America/New_York")).toSecondOfDay() / 60;
    String window = now >= 120 ? "00:00-01:00" : "22:00-23:00";
    api.admin(HttpMethod.PATCH, "/api/pools/default").sendJsonObject(new JsonObject().put("calling_window", window))
      .await();

    JsonObject explained = explain("to", MANHATTAN);

    assertThat(explained.getJsonObject("calling_window")).isEqualTo(new JsonObject().put("window", window)
      .put("inside", false));
    assertThat(explained.getJsonObject("refusal").getInteger("status")).isEqualTo(451);
    assertThat(api.nextCid("to", MANHATTAN).statusCode()).isEqualTo(451);
  }

  @ParameterizedTest
  @ValueSource(strings = {"to|", "to|to=12", "to|to=1125551234", "campaign|to=2125551234&campaign=a%20b",
    "size|to=2125551234&size=3"})
  void badQueriesAre400NamingTheParameter(String fieldAndQuery) {
    String[] parts = fieldAndQuery.split("\\|", -1);
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/explain?" + parts[1]).send().await();

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith(parts[0]);
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void explainNeedsAViewer() {
    assertThat(api.anonymous(HttpMethod.GET, "/api/explain?to=" + MANHATTAN).send().await().statusCode())
      .isEqualTo(401);
  }
}
