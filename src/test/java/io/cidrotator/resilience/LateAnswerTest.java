package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An allocation answer that reaches the router after the dialplan got its 503 (the router's event loop
 * stalled, say) is taken back: the dialplan dials with its own caller-ID and will never release it.
 */
class LateAnswerTest {

  private static final long TIMEOUT_MS = 300;

  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(new JsonObject().put("ALLOCATION_TIMEOUT_MS", TIMEOUT_MS));
    server.reset().seed(TestServer.numbers("512", 1));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAllocationAnsweredAfterTheCallerGaveUpLeavesNoReservationAndIsRecordedAsTakenBack() {
    Handler<DeliveryContext<Object>> delayAnswers = ctx -> {
      if (ctx.body() instanceof JsonObject body && body.containsKey("undo")) {
        server.vertx.setTimer(TIMEOUT_MS + 200, id -> ctx.next());
      } else {
        ctx.next();
      }
    };
    server.vertx.eventBus().addInboundInterceptor(delayAnswers);

    HttpResponse<Buffer> response = server.http.get("/next-cid").addQueryParam("to", "5125551234").send().await();

    assertThat(response.statusCode()).isEqualTo(503);
    Poll.until(server.vertx, Duration.ofSeconds(5), "the late allocation taken back",
      () -> server.redis.send(Request.cmd(Command.ZCARD).arg(RedisKeys.reserved("default"))).map(r -> r.toLong()),
      reserved -> reserved == 0);
    server.vertx.eventBus().removeInboundInterceptor(delayAnswers);
    Poll.until(server.vertx, Duration.ofSeconds(5), "the history of the taken-back allocation",
      () -> server.sql.query("SELECT outcome FROM allocations").execute()
        .map(rows -> rows.size() == 1 ? String.valueOf(rows.iterator().next().getString("outcome")) : "no row"),
      "taken_back"::equals);
    assertThat(server.http.get("/next-cid").addQueryParam("to", "5125551234").send().await().statusCode())
      .isEqualTo(200);
  }
}
