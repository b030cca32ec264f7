package io.cidrotator.resilience;

import io.cidrotator.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A normal shutdown loses no history: what the allocators still hold reaches PostgreSQL first. */
class ShutdownTest {

  /** Enough that history is still buffered, or being written, when the server is told to stop. */
  private static final int CALLS = 3000;

  @Test
  void everyAllocationMadeBeforeAShutdownIsInTheHistoryAfterIt() {
    TestServer server = TestServer.start(new JsonObject().put("DEFAULT_RESERVATION_TTL", 3600));
    server.reset().seed(TestServer.numbers("512", CALLS));
    List<Future<?>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      calls.add(server.http.get("/next-cid").addQueryParam("to", "5125551234").send()
        .map(response -> {
          assertThat(response.statusCode()).isEqualTo(200);
          return response;
        }));
    }
    Future.all(calls).await();

    server.close();

    Vertx vertx = Vertx.vertx();
    try {
      Pool sql = TestServer.sql(vertx, server.config);
      long rows = sql.query("SELECT count(*) FROM allocations").execute().await().iterator().next().getLong(0);
      assertThat(rows).isEqualTo(CALLS);
    } finally {
      vertx.close().await();
    }
  }
}
