package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL of its own that the test stops and starts again on the same port and data directory, with the
 * shared Redis. PostgreSQL is the inventory's source of truth and the history's store, never on the allocation
 * path: while it is down calls keep getting numbers and history waits in the server's buffer.
 */
class PostgresOutageTest {

  private static final long HANG_MS = 5000;

  private static OwnPostgres pg;
  private TestServer server;

  @BeforeAll
  static void startOwnPostgres() {
    pg = OwnPostgres.start();
  }

  @AfterAll
  static void removeOwnPostgres() throws IOException {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void startServer() {
    ensurePostgresRunning();
    server = TestServer.start(pg.settings());
    server.reset().seed(TestServer.numbers("512", 10));
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
    ensurePostgresRunning();
  }

  @Test
  void allocationKeepsWorkingWhilePostgresIsDownAndHealthSaysDatabaseUnhealthy() {
    stopPostgres();

    for (int i = 0; i < 10; i++) {
      HttpResponse<Buffer> response = nextCid();
      assertThat(response.statusCode()).as("call %d: %s", i, response.bodyAsString()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("caller_id")).startsWith("512");
      assertThat(release(response.bodyAsJsonObject().getString("caller_id")).statusCode()).isEqualTo(200);
    }
    HttpResponse<Buffer> health = server.http.get("/health").timeout(HANG_MS).send().await();
    // Allocation works: the server is ready, degraded; a load balancer must keep sending it calls.
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("degraded");
    assertThat(health.bodyAsJsonObject().getString("database")).isEqualTo("unhealthy");
    assertThat(health.bodyAsJsonObject().getJsonObject("redis").getBoolean("connected")).isTrue();
  }

  /**
   * PostgreSQL stalled (every one of its processes stopped with SIGSTOP, as a frozen VM or a full disk leaves it):
   * connections stay open and queries never answer. The health check gives up on it within its own timeout and
   * says degraded, allocation goes on, and the database ping's late bus timeout, after the check had already
   * timed out, throws nothing on the server.
   */
  @Test
  void aStalledPostgresIsDegradedWithinTheCheckTimeoutAndItsLateAnswerChangesNothing() throws Exception {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    server.vertx.exceptionHandler(uncaught::add);
    List<ProcessHandle> postgres = pg.processes();
    signal("STOP", postgres);
    try {
      long start = System.nanoTime();
      HttpResponse<Buffer> health = server.http.get("/health").timeout(HANG_MS).send().await();
      long healthMs = (System.nanoTime() - start) / 1_000_000;

      assertThat(health.statusCode()).as(health.bodyAsString()).isEqualTo(200);
      assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("degraded");
      assertThat(health.bodyAsJsonObject().getString("database")).isEqualTo("unhealthy");
      // The check's timeout is 1 s; twice that leaves room for a slow machine, not for a hang.
      assertThat(healthMs).isLessThan(2000);
      HttpResponse<Buffer> allocated = nextCid();
      assertThat(allocated.statusCode()).as(allocated.bodyAsString()).isEqualTo(200);
      assertThat(release(allocated.bodyAsJsonObject().getString("caller_id")).statusCode()).isEqualTo(200);
      // A second check answers after its own timeout: by then the first one's bus request has timed out too.
      assertThat(server.http.get("/health").timeout(HANG_MS).send().await().statusCode()).isEqualTo(200);
      assertThat(uncaught).isEmpty();
    } finally {
      signal("CONT", postgres);
    }
  }

  @Test
  void historyOfCallsMadeWhilePostgresWasDownIsBufferedThenWrittenOnceItIsBack() {
    stopPostgres();
    List<UUID> reservations = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      JsonObject answer = nextCid().bodyAsJsonObject();
      reservations.add(UUID.fromString(answer.getString("reservation")));
      if (i % 2 == 0) {
        assertThat(release(answer.getString("caller_id")).statusCode()).isEqualTo(200);
      }
    }
    // 20 allocations and 10 releases, all waiting in the buffer.
    Poll.until(server.vertx, Duration.ofSeconds(5), "cidrotator_history_buffered reaching 30",
      this::historyBuffered,
      buffered -> buffered == 30);

    startPostgres();

    Row written = Poll.until(server.vertx, Duration.ofSeconds(10), "the 20 allocations in table allocations",
      () -> server.sql.preparedQuery("""
          SELECT count(*) AS allocations, count(released_at) AS released,
                 count(*) FILTER (WHERE outcome = 'released') AS outcomes
          FROM allocations
          WHERE id = ANY($1::uuid[])
          """)
        .execute(Tuple.of(reservations.toArray(new UUID[0])))
        .map(rows -> rows.iterator().next()),
      row -> row.getLong("allocations") == 20 && row.getLong("released") == 10);
    assertThat(written.getLong("outcomes")).isEqualTo(10);
    Poll.until(server.vertx, Duration.ofSeconds(5), "cidrotator_history_buffered back to 0",
      this::historyBuffered,
      buffered -> buffered == 0);
    HttpResponse<Buffer> health = Poll.until(server.vertx, Duration.ofSeconds(5), "GET /health answering 200",
      () -> server.http.get("/health").timeout(HANG_MS).send(),
      response -> response.statusCode() == 200);
    assertThat(health.bodyAsJsonObject().getString("database")).isEqualTo("healthy");
  }

  private Future<Double> historyBuffered() {
    return server.metric("cidrotator_history_buffered");
  }

  private HttpResponse<Buffer> nextCid() {
    return server.http.get("/next-cid")
      .addQueryParam("to", "5125551234")
      .addQueryParam("campaign", "pg-outage")
      .timeout(HANG_MS)
      .send()
      .await();
  }

  private HttpResponse<Buffer> release(String callerId) {
    return server.http.get("/release")
      .addQueryParam("caller_id", callerId)
      .timeout(HANG_MS)
      .send()
      .await();
  }

  /** The shell's own kill: a minimal machine may have no kill program. */
  private static void signal(String signal, List<ProcessHandle> processes) throws IOException, InterruptedException {
    StringBuilder command = new StringBuilder("kill -").append(signal);
    processes.forEach(process -> command.append(' ').append(process.pid()));
    int exit = new ProcessBuilder("sh", "-c", command.toString()).inheritIO().start().waitFor();
    assertThat(exit).as(command.toString()).isZero();
  }

  private static void stopPostgres() {
    pg.stop();
  }

  private static void startPostgres() {
    pg.startAgain();
  }

  private static void ensurePostgresRunning() {
    if (!pg.running()) {
      pg.startAgain();
    }
  }
}
