package io.cidrotator.stats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestStatsTest {

  private static final long MINUTE = 29_000_000L * 60_000L;
  private static final long MS = 1_000_000L;

  @Test
  void theLastFullMinuteHasItsOutcomesAndLatencyPercentilesExactToABucket() {
    RequestStats stats = new RequestStats(new SimpleMeterRegistry());
    for (int ms = 1; ms <= 100; ms++) {
      stats.record("ok", ms * MS, MINUTE + ms);
    }
    stats.record("unavailable", 2 * MS, MINUTE + 59_999);
    stats.record("ok", 500 * MS, MINUTE + 60_000);

    JsonObject lastMinute = stats.lastMinute(MINUTE + 60_000 + 30_000);

    assertThat(lastMinute.getLong("allocations_per_minute")).isEqualTo(100);
    assertThat(lastMinute.getString("minute")).isEqualTo(java.time.Instant.ofEpochMilli(MINUTE).toString());
    assertThat(lastMinute.getJsonObject("outcomes_last_minute")).isEqualTo(new JsonObject()
      .put("ok", 100L).put("unavailable", 1L).put("rate_limited", 0L).put("bad_request", 0L));
    assertThat(lastMinute.getDouble("p50_ms")).isBetween(50.0, 50.0 * 1.25);
    assertThat(lastMinute.getDouble("p99_ms")).isBetween(99.0, 99.0 * 1.25);
  }

  @Test
  void aMinuteWithoutRequestsHasNoPercentiles() {
    RequestStats stats = new RequestStats(new SimpleMeterRegistry());
    stats.record("ok", MS, MINUTE);

    JsonObject lastMinute = stats.lastMinute(MINUTE + 2 * 60_000);

    assertThat(lastMinute.getLong("allocations_per_minute")).isZero();
    assertThat(lastMinute.getValue("p50_ms")).isNull();
    assertThat(lastMinute.getValue("p99_ms")).isNull();
  }
}
