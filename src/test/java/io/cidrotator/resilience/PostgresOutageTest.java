package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL of its own that the test stops and starts again on the same port and data directory, with the
 * shared Redis. PostgreSQL is the inventory's source of truth and the history's store, never on the allocation
 * path: while it is down calls keep getting numbers and history waits in the server's buffer.
 */
class PostgresOutageTest {

  private static final Pattern BUFFERED = Pattern.compile("(?m)^cidrotator_history_buffered(?:\\{[^}]*})? (\\S+)$");
  private static final long HANG_MS = 5000;

  private static Path dataDir;
  private static int port;
  private static EmbeddedPostgres pg;
  private TestServer server;

  @BeforeAll
  static void startOwnPostgres() throws IOException {
    dataDir = Files.createTempDirectory("cidrotator-pg-outage");
    pg = EmbeddedPostgres.builder()
      .setDataDirectory(dataDir)
      .setCleanDataDirectory(false)
      .start();
    port = pg.getPort();
  }

  @AfterAll
  static void removeOwnPostgres() throws IOException {
    if (pg != null) {
      pg.close();
    }
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  @BeforeEach
  void startServer() throws IOException {
    ensurePostgresRunning();
    // POSTGRES_URL too: when the run points the shared services at an external PostgreSQL (PG_URL), it wins.
    server = TestServer.start(new JsonObject()
      .put("POSTGRES_URL", "postgresql://postgres@127.0.0.1:" + port + "/postgres")
      .put("POSTGRES_HOST", "127.0.0.1")
      .put("POSTGRES_PORT", port)
      .put("POSTGRES_USER", "postgres")
      .put("POSTGRES_PASSWORD", "")
      .put("POSTGRES_DB", "postgres"));
    server.reset().seed(TestServer.numbers("512", 10));
  }

  @AfterEach
  void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
    ensurePostgresRunning();
  }

  @Test
  void allocationKeepsWorkingWhilePostgresIsDownAndHealthSaysDatabaseDisconnected() throws IOException {
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
    assertThat(health.bodyAsJsonObject().getString("database")).isEqualTo("disconnected");
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
    List<ProcessHandle> postgres = postgresProcesses();
    signal("STOP", postgres);
    try {
      long start = System.nanoTime();
      HttpResponse<Buffer> health = server.http.get("/health").timeout(HANG_MS).send().await();
      long healthMs = (System.nanoTime() - start) / 1_000_000;

      assertThat(health.statusCode()).as(health.bodyAsString()).isEqualTo(200);
      assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("degraded");
      assertThat(health.bodyAsJsonObject().getString("database")).isEqualTo("disconnected");
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
  void historyOfCallsMadeWhilePostgresWasDownIsBufferedThenWrittenOnceItIsBack() throws IOException {
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
    assertThat(health.bodyAsJsonObject().getString("database")).isEqualTo("connected");
  }

  private Future<Double> historyBuffered() {
    return server.http.get("/metrics")
      .timeout(HANG_MS)
      .send()
      .map(response -> {
        Matcher m = BUFFERED.matcher(response.bodyAsString());
        if (!m.find()) {
          throw new IllegalStateException("no cidrotator_history_buffered in /metrics");
        }
        return Double.parseDouble(m.group(1));
      });
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

  /** The postmaster (its pid is the first line of postmaster.pid) and every backend it forked. */
  private static List<ProcessHandle> postgresProcesses() throws IOException {
    long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.add(postmaster);
    return all;
  }

  /** The shell's own kill: a minimal machine may have no kill program. */
  private static void signal(String signal, List<ProcessHandle> processes) throws IOException, InterruptedException {
    StringBuilder command = new StringBuilder("kill -").append(signal);
    processes.forEach(process -> command.append(' ').append(process.pid()));
    int exit = new ProcessBuilder("sh", "-c", command.toString()).inheritIO().start().waitFor();
    assertThat(exit).as(command.toString()).isZero();
  }

  private static void stopPostgres() throws IOException {
    pg.close();
    pg = null;
  }

  /** Starts it again on the same port with the same data (zonky skips initdb when postgresql.conf exists). */
  private static void startPostgres() throws IOException {
    pg = EmbeddedPostgres.builder()
      .setPort(port)
      .setDataDirectory(dataDir)
      .setCleanDataDirectory(false)
      .start();
  }

  private static void ensurePostgresRunning() throws IOException {
    if (pg == null) {
      startPostgres();
    }
  }
}
