package io.cidrotator.pool;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** DEFAULT_RESERVATION_TTL: the safety net for a hangup whose release never arrived. */
class ReservationTtlTest {

  @RegisterExtension
  static final Api api = new Api(new JsonObject().put("DEFAULT_RESERVATION_TTL", 1));

  @BeforeEach
  void oneNumber() {
    api.reset();
    api.server().seed(TestServer.numbers("512", 1));
  }

  @Test
  void nextCidAnswersReservedForWithTheConfiguredTtl() {
    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.bodyAsJsonObject().getInteger("reserved_for")).isEqualTo(1);
  }

  @Test
  void nextCidHandsOutANumberAgainOnceItsReservationExpired() {
    api.allocate("5125551234");
    assertThat(api.nextCid("to", "5125551234").statusCode()).isEqualTo(503);

    HttpResponse<Buffer> response = api.poll(() -> api.nextCid("to", "5125551234"), r -> r.statusCode() == 200,
      Duration.ofSeconds(3));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("caller_id")).isEqualTo("5125550100");
  }

  @Test
  void statsStopCountingAReservationOnceExpired() {
    api.allocate("5125551234");
    waitForExpiry("5125550100");

    assertThat(api.stats().getLong("active_reservations")).isZero();
  }

  @Test
  void releaseOfAnExpiredReservationAnswersReleasedFalse() {
    api.allocate("5125551234");
    waitForExpiry("5125550100");

    HttpResponse<Buffer> response = api.release("5125550100");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("success", true)
      .put("caller_id", "5125550100")
      .put("released", false));
  }

  private static void waitForExpiry(String callerId) {
    long expiry = api.redis(Request.cmd(Command.ZSCORE).arg(Api.RESERVED).arg(callerId)).toLong();
    api.poll(System::currentTimeMillis, now -> now > expiry + 20, Duration.ofSeconds(3));
  }
}
