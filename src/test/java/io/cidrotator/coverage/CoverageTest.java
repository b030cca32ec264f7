package io.cidrotator.coverage;

import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The coverage report on history rows of known shape and a known inventory. */
class CoverageTest {

  @RegisterExtension
  static final Api api = new Api(RoleTokens.serverSettings());

  /** A whole hour two hours ago: its allocations are the peak the test arranges. */
  private static final Instant HOUR = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);

  @BeforeEach
  void emptyInventoryAndHistory() {
    api.reset();
  }

  private static HttpResponse<Buffer> view(String uri) {
    return api.anonymous(HttpMethod.GET, uri).putHeader("Authorization", RoleTokens.bearer("ann")).send().await();
  }

  /** {@code count} allocations to destinations of {@code npa} from {@code at} on, a second apart, held {@code holdSeconds} (null: never released). */
  private static void allocations(int count, String npa, String tier, Instant at, Integer holdSeconds) {
    api.rows("""
        INSERT INTO allocations (id, caller_id, destination, area_code, tier, pool, allocated_at, released_at)
        SELECT gen_random_uuid(), '5125550100', $1 || '5551234', $1, $2, 'default',
               $3 + make_interval(secs => n), $3 + make_interval(secs => n + $4)
        FROM generate_series(1, $5) AS n
        """, npa, tier, at.atOffset(ZoneOffset.UTC), holdSeconds, count);
  }

  private static void numbers(String npa, int count) {
    api.rows("""
        INSERT INTO caller_ids (caller_id, carrier, area_code, pool)
        SELECT $1 || '555' || lpad(n::text, 4, '0'), 'test', $1, 'default' FROM generate_series(1, $2) AS n
        """, npa, count);
  }

  @Test
  void anAreaCodeWithoutLocalNumbersNeedsEnoughForItsPeakHourAndItsCallsLiveAtOnce() {
    numbers("512", 3);
    numbers("737", 2);
    numbers("713", 4);
    allocations(300, "214", "pool", HOUR, 60);
    allocations(5, "512", "area_code", HOUR, null);
    allocations(2, "512", "pool", HOUR.plus(1, ChronoUnit.HOURS), null);
    allocations(1, "512", "area_code", Instant.now().minus(10, ChronoUnit.DAYS), null);

    JsonObject report = view("/api/coverage?pool=default&days=7").bodyAsJsonObject();

    int cap = api.server().config.hourlyLimit();
    assertThat(report.getString("pool")).isEqualTo("default");
    assertThat(report.getInteger("days")).isEqualTo(7);
    assertThat(report.getInteger("hourly_cap_per_new_number")).isEqualTo(cap);
    List<Object> items = report.getJsonArray("items").getList();
    assertThat(items).hasSize(2);
    JsonObject dallas = report.getJsonArray("items").getJsonObject(0);
    // 300 an hour: 3 numbers' caps (100 an hour each); 300 calls of 60 s in an hour: 5 live at once.
    assertThat(dallas).isEqualTo(new JsonObject()
      .put("area_code", "214").put("region", "US-TX").put("demand", 300).put("served_in_area_code", 0)
      .put("outside_share", 1.0).put("peak_hour", HOUR.toString()).put("peak_hour_allocations", 300)
      .put("mean_hold_seconds", 60.0)
      .put("supply", new JsonObject().put("area_code", 0).put("overlay", 0).put("state", 9).put("time_zone", 9))
      .put("local_hourly_capacity", 0).put("headroom_at_peak", -300)
      .put("numbers_to_buy", Math.max((300 + cap - 1) / cap, 5)));
    JsonObject austin = report.getJsonArray("items").getJsonObject(1);
    assertThat(austin).isEqualTo(new JsonObject()
      .put("area_code", "512").put("region", "US-TX").put("demand", 7).put("served_in_area_code", 5)
      .put("outside_share", 0.286).put("peak_hour", HOUR.toString()).put("peak_hour_allocations", 5)
      .putNull("mean_hold_seconds")
      .put("supply", new JsonObject().put("area_code", 3).put("overlay", 5).put("state", 9).put("time_zone", 9))
      .put("local_hourly_capacity", 3 * cap).put("headroom_at_peak", 3 * cap - 5).put("numbers_to_buy", 0));
  }

  @Test
  void aTollFreeDestinationHasOnlyItsOwnSupply() {
    allocations(2, "800", "pool", HOUR, 30);

    JsonObject item = view("/api/coverage").bodyAsJsonObject().getJsonArray("items").getJsonObject(0);

    assertThat(item.getString("area_code")).isEqualTo("800");
    assertThat(item.getValue("region")).isNull();
    assertThat(item.getJsonObject("supply")).isEqualTo(new JsonObject().put("area_code", 0).putNull("overlay")
      .putNull("state").putNull("time_zone"));
    assertThat(item.getLong("numbers_to_buy")).isEqualTo(1);
  }

  @Test
  void theReportExportsAsCsv() {
    numbers("512", 1);
    allocations(3, "512", "area_code", HOUR, 10);

    HttpResponse<Buffer> response = view("/api/coverage/export?days=2");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Disposition")).isEqualTo("attachment; filename=coverage-default-2d.csv");
    assertThat(response.bodyAsString().split("\n")).containsExactly(
      "area_code,region,demand,served_in_area_code,outside_share,peak_hour,peak_hour_allocations,mean_hold_seconds,"
        + "numbers_in_area_code,numbers_in_overlay,numbers_in_state,numbers_in_time_zone,local_hourly_capacity,"
        + "headroom_at_peak,numbers_to_buy",
      "512,US-TX,3,3,0.0," + HOUR + ",3,10.0,1,1,1,1," + api.server().config.hourlyLimit() + ","
        + (api.server().config.hourlyLimit() - 3) + ",0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"days=0|days:", "days=32|days:", "days=week|days:", "pool=no%20such|pool:",
    "region=TX|region:"})
  void badParametersAre400NamingThem(String uriAndDetail) {
    String[] parts = uriAndDetail.split("\\|");

    for (String path : List.of("/api/coverage?", "/api/coverage/export?")) {
      HttpResponse<Buffer> response = view(path + parts[0]);
      assertThat(response.statusCode()).as(path + parts[0]).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("detail")).startsWith(parts[1]);
    }
  }

  @Test
  void anUnknownPoolIs404AndCredentialsAreNeeded() {
    assertThat(view("/api/coverage?pool=spanish").statusCode()).isEqualTo(404);
    assertThat(api.anonymous(HttpMethod.GET, "/api/coverage").send().await().statusCode()).isEqualTo(401);
  }
}
