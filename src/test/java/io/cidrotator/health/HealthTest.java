package io.cidrotator.health;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /health in the old tool's shape, and GET /metrics for Prometheus. */
class HealthTest {

  @RegisterExtension
  static final Api api = new Api();

  @BeforeEach
  void oneNumber() {
    api.reset();
    api.server().seed(TestServer.numbers("512", 1));
  }

  @Test
  void healthReportsHealthyWithBothDependenciesConnected() {
    HttpResponse<Buffer> response = api.get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).contains("status", "timestamp", "database", "redis", "version");
    assertThat(body.getString("status")).isEqualTo("healthy");
    assertThat(body.getString("database")).isEqualTo("healthy");
    assertThat(body.getBoolean("database_connected")).isTrue();
    JsonObject redis = body.getJsonObject("redis");
    assertThat(redis.getString("status")).isEqualTo("healthy");
    assertThat(redis.getBoolean("connected")).isTrue();
    // The old tool's fields, as it typed them: a monitor written for it keeps working.
    assertThat(redis.getValue("connected_clients")).isInstanceOf(Number.class);
    assertThat(redis.getLong("connected_clients")).isPositive();
    assertThat(redis.getString("used_memory")).matches("[0-9.]+[BKMG]");
    assertThat(redis.getLong("uptime_seconds")).isNotNegative();
    assertThat(body.getString("version")).isNotBlank();
    assertThat(Instant.parse(body.getString("timestamp"))).isBetween(Instant.now().minusSeconds(5), Instant.now());
  }

  @Test
  void livenessAnswersWithoutLookingAtTheDependencies() {
    HttpResponse<Buffer> response = api.get("/health/live");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("alive");
  }

  @Test
  void anUnknownPathIsA404WithAJsonDetail() {
    HttpResponse<Buffer> response = api.get("/no-such-route");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "not found"));
  }

  @Test
  void aKnownPathWithTheWrongMethodIsA405WithAJsonDetail() {
    HttpResponse<Buffer> response = api.server().http.delete("/next-cid").send().await();

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "method not allowed"));
  }

  @Test
  void healthNeedsNoToken() {
    HttpResponse<Buffer> response = api.get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("WWW-Authenticate")).isNull();
  }

  @Test
  void metricsExposeVertxEventBusMetricsInPrometheusText() {
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(response.bodyAsString().lines()).anyMatch(line -> line.startsWith("vertx_eventbus_"));
  }

  @Test
  void metricsCountReleasesByOutcome() {
    String callerId = api.allocate("5125551234");
    api.release(callerId);
    api.release(callerId);
    api.release("2125550000");

    String metrics = api.get("/metrics").bodyAsString();

    for (String outcome : List.of("released", "nothing_live", "unknown")) {
      assertThat(metrics.lines()).as(outcome)
        .anyMatch(line -> line.matches("cidrotator_releases_total\\{.*outcome=\"" + outcome + "\".*} [1-9].*"));
    }
  }

  @Test
  void metricsCountNextCidRequestsByOutcome() {
    api.allocate("5125551234");
    api.nextCid("to", "123");

    String metrics = api.get("/metrics").bodyAsString();

    assertThat(metrics.lines()).anyMatch(line -> line.startsWith("cidrotator_next_cid_seconds_count{outcome=\"ok\""));
    assertThat(metrics.lines())
      .anyMatch(line -> line.startsWith("cidrotator_next_cid_seconds_count{outcome=\"bad_request\""));
  }

  @Test
  void metricsNeverUseACallerIdOrDestinationAsALabelValue() {
    api.allocate("5125551234");
    api.release("5125550100");

    String metrics = api.get("/metrics").bodyAsString();

    assertThat(metrics).doesNotContain("5125551234").doesNotContain("5125550100");
  }
}
