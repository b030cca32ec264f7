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
