package io.cidrotator.history;

import io.cidrotator.TestServer;
import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ChartsTest {

  @RegisterExtension
  static final Api api = new Api(RoleTokens.serverSettings());

  @BeforeEach
  void emptyInventory() {
    api.reset();
  }

  private static HttpResponse<Buffer> view(String uri) {
    return api.anonymous(HttpMethod.GET, uri).putHeader("Authorization", RoleTokens.bearer("ann")).send().await();
  }

  private static JsonObject ok(String uri) {
    HttpResponse<Buffer> response = view(uri);
    assertThat(response.statusCode()).as(uri + ": " + response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** One history row, released when {@code releasedAt} is not null; its id as a UUID. */
  private static UUID allocation(String callerId, String destination, String campaign, String tier, Instant at,
                                 Instant releasedAt) {
    UUID id = UUID.randomUUID();
    api.rows("""
        INSERT INTO allocations (id, caller_id, destination, area_code, campaign, agent, tier, pool, allocated_at,
                                 released_at, outcome, dial_status, answered_seconds)
        VALUES ($1, $2, $3, $4, $5, 'agent-7', $6, 'default', $7, $8, $9, $10, $11)
        """, id, callerId, destination, destination.substring(0, 3), campaign, tier, utc(at), utc(releasedAt),
      releasedAt == null ? null : "released", releasedAt == null ? null : "ANSWER", releasedAt == null ? null : 42);
    return id;
  }

  private static UUID allocation(String destination, String campaign, String tier, Instant at) {
    return allocation("5125550100", destination, campaign, tier, at, null);
  }

  private static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }

  private static JsonArray longs(long... values) {
    JsonArray array = new JsonArray();
    for (long value : values) {
      array.add(value);
    }
    return array;
  }

  @Test
  void allocationsAreCountedPerUtcHourAndCampaign() {
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    allocation("5125551234", "sales", "area_code", hour);
    allocation("5125551234", "sales", "area_code", hour.plusSeconds(1));
    allocation("5125551234", "sales", "pool", hour.minus(2, ChronoUnit.HOURS).plusSeconds(300));
    allocation("5125551234", "sales", "pool", hour.minus(2, ChronoUnit.HOURS).plusSeconds(600));
    allocation("5125551234", "sales", "pool", hour.minus(2, ChronoUnit.HOURS));
    allocation("5125551234", null, "pool", hour.minus(1, ChronoUnit.HOURS).plusSeconds(3599));
    allocation("5125551234", "sales", "pool", hour.minus(2, ChronoUnit.HOURS).minusMillis(1));

    JsonObject body = ok("/api/charts/allocations?hours=3");

    assertThat(body.getJsonArray("hours")).containsExactly(hour.minus(2, ChronoUnit.HOURS).toString(),
      hour.minus(1, ChronoUnit.HOURS).toString(), hour.toString());
    assertThat(body.getJsonArray("series")).containsExactly(
      new JsonObject().put("campaign", "sales").put("counts", longs(3, 0, 2)),
      new JsonObject().put("campaign", null).put("counts", longs(0, 1, 0)));
  }

  @Test
  void allocationsOfTheLast24HoursByDefault() {
    JsonObject body = ok("/api/charts/allocations");

    assertThat(body.getJsonArray("hours")).hasSize(24);
    assertThat(body.getJsonArray("series")).isEmpty();
  }

  @Test
  void areaCodesListDemandFallbacksLocalSupplyAndFreeNumbersMostDemandedFirst() {
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100"),
      new JsonObject().put("caller_id", "5125550101"),
      new JsonObject().put("caller_id", "7135550100"),
      new JsonObject().put("caller_id", "2145550100").put("is_active", false)));
    Instant now = Instant.now();
    allocation("5125551234", "sales", "area_code", now.minusSeconds(60));
    allocation("5125551235", "sales", "area_code", now.minusSeconds(50));
    allocation("5125551236", "sales", "pool", now.minusSeconds(40));
    allocation("3055551234", "sales", "pool", now.minusSeconds(30));
    allocation("3055551235", null, "pool", now.minusSeconds(20));
    allocation("5125551237", "sales", "area_code", now.minus(30, ChronoUnit.HOURS));
    // A live call: one of the two 512 numbers is not free now; its allocation is demand too.
    api.allocate("5125559999");
    api.poll(() -> api.rows("SELECT 1 FROM allocations").size(), n -> n == 7, Duration.ofSeconds(5));

    JsonObject body = ok("/api/charts/area-codes?hours=24");

    assertThat(body.getJsonArray("items")).containsExactly(
      new JsonObject().put("area_code", "512").put("demand", 4).put("fallbacks", 1).put("local_numbers", 2)
        .put("available_now", 1),
      new JsonObject().put("area_code", "305").put("demand", 2).put("fallbacks", 2).put("local_numbers", 0)
        .put("available_now", 0),
      new JsonObject().put("area_code", "713").put("demand", 0).put("fallbacks", 0).put("local_numbers", 1)
        .put("available_now", 1));
  }

  @Test
  void usageTodayCountsSinceLocalMidnightWithTheResolvedCaps() {
    api.rows("INSERT INTO pools (name, hourly_limit, daily_limit) VALUES ('small', 5, 20)");
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100").put("daily_limit", 10),
      new JsonObject().put("caller_id", "5125550101").put("pool", "small"),
      new JsonObject().put("caller_id", "5125550102")));
    Instant now = Instant.now().minusSeconds(1);
    Instant midnight = LocalDate.now(api.server().config.timezone())
      .atStartOfDay(api.server().config.timezone()).toInstant();
    for (int i = 0; i < 3; i++) {
      allocation("5125550100", "7135551234", "sales", "pool", now, null);
    }
    allocation("5125550101", "7135551234", "sales", "pool", now, null);
    allocation("5125550101", "7135551234", "sales", "pool", midnight, null);
    allocation("5125550102", "7135551234", "sales", "pool", now, null);
    allocation("5125550102", "7135551234", "sales", "pool", midnight.minusSeconds(1), null);
    allocation("5125550102", "7135551234", "sales", "pool", midnight.minusSeconds(7200), null);

    JsonObject body = ok("/api/charts/usage-today?limit=50");

    int hourly = api.server().config.hourlyLimit();
    int daily = api.server().config.dailyLimit();
    assertThat(body.getJsonArray("items")).containsExactly(
      new JsonObject().put("caller_id", "5125550100").put("uses_today", 3).put("daily_limit", 10)
        .put("hourly_limit", hourly),
      new JsonObject().put("caller_id", "5125550101").put("uses_today", 2).put("daily_limit", 20)
        .put("hourly_limit", 5),
      new JsonObject().put("caller_id", "5125550102").put("uses_today", 1).put("daily_limit", daily)
        .put("hourly_limit", hourly));
  }

  @Test
  void usageTodayHonoursTheLimit() {
    api.server().seed(TestServer.numbers("512", 2));
    allocation("5125550100", "7135551234", "sales", "pool", Instant.now().minusSeconds(1), null);
    allocation("5125550100", "7135551234", "sales", "pool", Instant.now().minusSeconds(1), null);
    allocation("5125550101", "7135551234", "sales", "pool", Instant.now().minusSeconds(1), null);

    JsonArray items = ok("/api/charts/usage-today?limit=1").getJsonArray("items");

    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getString("caller_id")).isEqualTo("5125550100");
  }

  /**
   * Live calls from Redis (the dialer's reservations), allocations of the last 60 s from the history: a released
   * call counts in the minute, not as live; an allocation 2 minutes old in neither.
   */
  @Test
  void campaignsShowTheirLiveCallsAndLastMinuteBusiestFirst() {
    api.server().seed(TestServer.numbers("512", 6));
    for (String campaign : List.of("sales", "sales", "sales", "retention")) {
      assertThat(api.nextCid("to", "5125559876", "campaign", campaign).statusCode()).isEqualTo(200);
    }
    String released = api.nextCid("to", "5125559876", "campaign", "retention").bodyAsJsonObject()
      .getString("caller_id");
    assertThat(api.release(released).statusCode()).isEqualTo(200);
    assertThat(api.nextCid("to", "5125559876").statusCode()).isEqualTo(200);
    api.awaitHistoryWritten();
    allocation("5125550100", "7135551234", "retention", "pool", Instant.now().minusSeconds(5), Instant.now());
    allocation("5125550100", "7135551234", "sales", "area_code", Instant.now().minusSeconds(120), Instant.now());

    JsonObject body = ok("/api/charts/campaigns");

    assertThat(body.getJsonArray("items")).containsExactly(
      load("sales", 3, 3, 0),
      load("retention", 1, 3, 1),
      new JsonObject().put("campaign", null).put("live_calls", 1L).put("allocations_last_minute", 1L)
        .put("not_local_last_minute", 0L));
    assertThat(Instant.parse(body.getString("at"))).isCloseTo(Instant.now(), within(5, ChronoUnit.SECONDS));
  }

  private static JsonObject load(String campaign, long live, long lastMinute, long notLocal) {
    return new JsonObject().put("campaign", campaign).put("live_calls", live).put("allocations_last_minute", lastMinute)
      .put("not_local_last_minute", notLocal);
  }

  @Test
  void aNumbersHistoryIsNewestFirstUpToTheLimit() {
    api.server().seed(TestServer.numbers("512", 2));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    allocation("5125550100", "7135551234", "sales", "pool", now.minusSeconds(180), null);
    UUID middle = allocation("5125550100", "7135551235", "sales", "pool", now.minusSeconds(120), now.minusSeconds(60));
    UUID newest = allocation("5125550100", "5125551236", null, "area_code", now.minusSeconds(30), null);
    allocation("5125550101", "7135551234", "sales", "pool", now.minusSeconds(10), null);

    JsonArray items = ok("/api/caller-ids/512-555-0100/history?limit=2").getJsonArray("items");

    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getString("id")).isEqualTo(newest.toString());
    assertThat(items.getJsonObject(1)).isEqualTo(new JsonObject()
      .put("id", middle.toString())
      .put("allocated_at", now.minusSeconds(120).toString())
      .put("released_at", now.minusSeconds(60).toString())
      .put("destination", "7135551235")
      .put("campaign", "sales")
      .put("agent", "agent-7")
      .put("tier", "pool")
      .put("outcome", "released")
      .put("dial_status", "ANSWER")
      .put("answered_seconds", 42));
  }

  @Test
  void theHistoryOfAnUnknownNumberIs404() {
    HttpResponse<Buffer> response = view("/api/caller-ids/5125559999/history");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("5125559999");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "/api/charts/allocations?hours=0|hours:",
    "/api/charts/allocations?hours=169|hours:",
    "/api/charts/area-codes?hours=day|hours:",
    "/api/charts/usage-today?limit=0|limit:",
    "/api/caller-ids/5125550100/history?limit=201|limit:",
    "/api/caller-ids/12/history|caller_id:"})
  void badParametersAre400NamingThem(String uriAndDetail) {
    String[] parts = uriAndDetail.split("\\|");

    HttpResponse<Buffer> response = view(parts[0]);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith(parts[1]);
  }

  @Test
  void chartsNeedCredentials() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/api/charts/allocations").send().await();

    assertThat(response.statusCode()).isEqualTo(401);
  }
}
