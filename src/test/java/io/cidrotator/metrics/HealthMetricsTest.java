package io.cidrotator.metrics;

import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The number-health metrics of /metrics on a real server: the pool gauges (read afresh for the scrape), allocations
 * by tier and outcome, calls to an area code that got no number of it, releases by call outcome, moves on the rest
 * ladder; each with help text. Counters are the JVM's (other tests count too): compared before and after.
 */
class HealthMetricsTest {

  @RegisterExtension
  static final Api api = new Api();

  @BeforeEach
  void fourNumbersOf512() {
    api.reset();
    api.server().seed(IntStream.rangeClosed(1, 4).mapToObj(i -> new JsonObject()
      .put("caller_id", String.format("512555%04d", i))).toList());
  }

  @Test
  void poolGaugesShowWhereThePoolsNumbersAreNow() {
    HttpResponse<Buffer> flagged = api.admin(HttpMethod.POST, "/api/caller-ids/5125550001/flags")
      .sendJsonObject(new JsonObject().put("source", "Hiya")).await();
    assertThat(flagged.statusCode()).isEqualTo(201);
    api.allocate("5125551234");

    PrometheusText metrics = scrape();

    assertThat(metrics.value("cidrotator_pool_health_numbers{health=\"flagged\",pool=\"default\"}")).isEqualTo(1);
    assertThat(metrics.value("cidrotator_pool_health_numbers{health=\"healthy\",pool=\"default\"}")).isEqualTo(3);
    assertThat(metrics.samples()).containsKey("cidrotator_pool_health_numbers{health=\"retired\",pool=\"default\"}");
    assertThat(metrics.value("cidrotator_pool_numbers{pool=\"default\",state=\"reserved\"}")).isEqualTo(1);
    assertThat(metrics.value("cidrotator_pool_numbers{pool=\"default\",state=\"available\"}")).isEqualTo(2);
    assertThat(metrics.value("cidrotator_pool_numbers{pool=\"default\",state=\"capped\"}")).isZero();
    assertThat(metrics.value("cidrotator_pool_gauges_updated_seconds{source=\"postgresql\"}"))
      .isGreaterThan(System.currentTimeMillis() / 1000.0 - 5);
    assertThat(metrics.value("cidrotator_dependency_up{dependency=\"redis\"}")).isEqualTo(1);
    assertThat(metrics.value("cidrotator_dependency_up{dependency=\"postgresql\"}")).isEqualTo(1);
    assertThat(metrics.helped()).contains("cidrotator_pool_numbers", "cidrotator_pool_health_numbers",
      "cidrotator_pool_gauges_updated_seconds", "cidrotator_dependency_up");
  }

  @Test
  void countersCountAllocationsByTierOutcomesAndMoves() {
    PrometheusText before = scrape();
    String local = api.allocate("5129991234");
    api.get("/release", "caller_id", local, "dialstatus", "ANSWER", "answered", "31");
    String wide = api.allocate("2125551234");
    api.get("/release", "caller_id", wide, "dialstatus", "NOANSWER");
    String third = api.allocate("2125551234");
    api.release(third);
    api.admin(HttpMethod.POST, "/api/caller-ids/5125550004/flags").sendJsonObject(new JsonObject()
      .put("source", "Hiya")).await();
    api.admin(HttpMethod.DELETE, "/api/caller-ids/5125550004/flags").send().await();

    PrometheusText after = scrape();

    for (Object[] expected : List.of(
      new Object[] {"cidrotator_allocations_total{outcome=\"allocated\",pool=\"default\",tier=\"area_code\"}", 1},
      new Object[] {"cidrotator_allocations_total{outcome=\"allocated\",pool=\"default\",tier=\"pool\"}", 2},
      new Object[] {"cidrotator_not_local_total{area_code=\"212\",pool=\"default\"}", 2},
      new Object[] {"cidrotator_not_local_total{area_code=\"512\",pool=\"default\"}", 0},
      new Object[] {"cidrotator_call_outcomes_total{dial_status=\"ANSWER\",outcome=\"answered\"}", 1},
      new Object[] {"cidrotator_call_outcomes_total{dial_status=\"NOANSWER\",outcome=\"unanswered\"}", 1},
      new Object[] {"cidrotator_call_outcomes_total{dial_status=\"NONE\",outcome=\"unknown\"}", 1},
      new Object[] {"cidrotator_health_transitions_total{pool=\"default\",to=\"flagged\"}", 1},
      new Object[] {"cidrotator_health_transitions_total{pool=\"default\",to=\"healthy\"}", 1})) {
      String series = (String) expected[0];
      assertThat(after.value(series) - before.value(series)).as(series).isEqualTo((int) expected[1]);
    }
    assertThat(after.helped()).contains("cidrotator_allocations_total", "cidrotator_not_local_total",
      "cidrotator_call_outcomes_total", "cidrotator_health_transitions_total");
  }

  @Test
  void aRefusalIsCountedWithItsReason() {
    api.admin(HttpMethod.PATCH, "/api/pools/default").sendJsonObject(new JsonObject().put("tiers", "area_code"))
      .await();
    PrometheusText before = scrape();

    assertThat(api.nextCid("to", "2125551234").statusCode()).isEqualTo(503);

    PrometheusText after = scrape();
    String series = "cidrotator_allocations_total{outcome=\"no_local_number\",pool=\"default\",tier=\"none\"}";
    assertThat(after.value(series) - before.value(series)).isEqualTo(1);
    String demand = "cidrotator_not_local_total{area_code=\"212\",pool=\"default\"}";
    assertThat(after.value(demand) - before.value(demand)).isEqualTo(1);
  }

  private static PrometheusText scrape() {
    HttpResponse<Buffer> response = api.get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return PrometheusText.parse(response.bodyAsString());
  }
}
