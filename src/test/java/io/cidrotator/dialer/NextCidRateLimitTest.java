package io.cidrotator.dialer;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-agent rate limit of GET /next-cid (DEFAULT_RATE_LIMIT_PER_AGENT caller-IDs per minute). */
class NextCidRateLimitTest {

  private static final int LIMIT = 3;

  @RegisterExtension
  static final Api api = new Api(new JsonObject().put("DEFAULT_RATE_LIMIT_PER_AGENT", LIMIT));

  @BeforeEach
  void tenNumbersAndAFreshMinute() {
    api.reset();
    api.server().seed(TestServer.numbers("512", 10));
    // The limit counts per clock minute: keep each test's burst inside one minute.
    api.awayFromMinuteEnd(3);
  }

  @Test
  void nextCidReturns429OnTheRequestAfterTheAgentsLimit() {
    for (int i = 0; i < LIMIT; i++) {
      assertThat(api.nextCid("to", "5125551234", "agent", "alice").statusCode()).isEqualTo(200);
    }

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "agent", "alice");

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "agent 'alice' is over its limit of 3 caller-IDs per minute"));
  }

  @Test
  void nextCidRateLimitCountsAllocationsEvenWhenTheyAreReleased() {
    for (int i = 0; i < LIMIT; i++) {
      api.release(api.nextCid("to", "5125551234", "agent", "alice").bodyAsJsonObject().getString("caller_id"));
    }

    assertThat(api.nextCid("to", "5125551234", "agent", "alice").statusCode()).isEqualTo(429);
  }

  @Test
  void nextCidRateLimitOfOneAgentLeavesOtherAgentsUnaffected() {
    for (int i = 0; i <= LIMIT; i++) {
      api.nextCid("to", "5125551234", "agent", "alice");
    }

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "agent", "bob");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("agent")).isEqualTo("bob");
  }

  @Test
  void nextCidNeverRateLimitsRequestsWithoutAgent() {
    for (int i = 0; i < LIMIT * 2; i++) {
      assertThat(api.nextCid("to", "5125551234", "campaign", "predictive").statusCode()).isEqualTo(200);
    }
    assertThat(api.reservedCount()).isEqualTo(LIMIT * 2);
  }

  @Test
  void nextCidRateLimitedRequestReservesNothing() {
    for (int i = 0; i < LIMIT; i++) {
      api.nextCid("to", "5125551234", "agent", "alice");
    }

    api.nextCid("to", "5125551234", "agent", "alice");

    assertThat(api.reservedCount()).isEqualTo(LIMIT);
  }

  @Test
  void nextCidInTextFormatAnswers429WithAnEmptyBody() {
    for (int i = 0; i < LIMIT; i++) {
      api.nextCid("to", "5125551234", "agent", "alice", "format", "text");
    }

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "agent", "alice", "format", "text");

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.body() == null ? "" : response.bodyAsString()).isEmpty();
  }

  @Test
  void statsCountRateLimitedRequests() {
    for (int i = 0; i < LIMIT; i++) {
      api.nextCid("to", "5125551234", "agent", "alice");
    }
    JsonObject before = api.stats();

    assertThat(api.nextCid("to", "5125551234", "agent", "alice").statusCode()).isEqualTo(429);
    JsonObject after = api.poll(api::stats,
      s -> s.getLong("requests_last_hour") > before.getLong("requests_last_hour"), Duration.ofSeconds(2));

    assertThat(after.getLong("requests_last_hour") - before.getLong("requests_last_hour")).isEqualTo(1);
    assertThat(rateLimited(after) - rateLimited(before)).isEqualTo(1);
  }

  @Test
  void nextCidRejectedRequestsDoNotCountAgainstTheAgentsLimit() {
    for (int i = 0; i < LIMIT * 2; i++) {
      assertThat(api.nextCid("to", "123", "agent", "alice").statusCode()).isEqualTo(400);
    }

    assertThat(api.nextCid("to", "5125551234", "agent", "alice").statusCode()).isEqualTo(200);
  }

  private static long rateLimited(JsonObject stats) {
    return stats.getJsonObject("outcomes_last_hour", new JsonObject()).getLong("rate_limited", 0L);
  }
}
