package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.cidrotator.history.HistoryClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a node under load loses no history: everything the dialers were answered with is in Redis's
 * history stream before the answer leaves, and another node's writer (or the node's next start) writes it once the
 * dead node's lease lapses. The killed node runs in a JVM of its own; this JVM is the other node.
 */
class KilledNodeTest {

  private static final int WORKERS = 16;
  private static final int NUMBERS = 1000;
  /** Answered allocations before the kill: enough that the writer is mid-stream when the node dies. */
  private static final int BEFORE_KILL = 1500;

  private TestServer otherNode;
  private ServerProcess node;
  private WebClient http;

  @BeforeEach
  void startTwoNodes() {
    otherNode = TestServer.start(new JsonObject().put("DEFAULT_RESERVATION_TTL", 3600));
    List<JsonObject> numbers = TestServer.numbers("512", NUMBERS);
    numbers.forEach(n -> n.put("hourly_limit", 1_000_000).put("daily_limit", 1_000_000));
    otherNode.reset().seed(numbers);
    node = ServerProcess.start("killed-node", TestServer.baseConfig().put("DEFAULT_RESERVATION_TTL", 3600)
      .put("DEFAULT_RATE_LIMIT_PER_AGENT", 1_000_000), otherNode.vertx);
    http = WebClient.create(otherNode.vertx);
  }

  @AfterEach
  void stop() {
    http.close();
    node.close();
    otherNode.close();
  }

  @Test
  void everyAllocationAndReleaseAnsweredBeforeAKill9IsInTheHistory() {
    Load load = new Load();
    load.start();
    Poll.until(otherNode.vertx, Duration.ofSeconds(60), BEFORE_KILL + " allocations answered",
      () -> Future.succeededFuture(load.allocated.size()), n -> n >= BEFORE_KILL);

    node.kill();
    load.stop().await();

    // The other node's writer takes the lease once the dead node's lapses (3 s), then writes the stream.
    HistoryClient history = new HistoryClient(otherNode.vertx, 10_000);
    Poll.until(otherNode.vertx, Duration.ofSeconds(30), "the history stream written by the other node",
      history::status, status -> status.getLong("buffered") == 0);
    Set<String> rows = new HashSet<>();
    Set<String> releasedRows = new HashSet<>();
    for (Row row : otherNode.sql.query("SELECT id, released_at FROM allocations").execute().await()) {
      rows.add(row.getUUID("id").toString());
      if (row.getValue("released_at") != null) {
        releasedRows.add(row.getUUID("id").toString());
      }
    }

    assertThat(load.allocated).as("allocations answered 200").hasSizeGreaterThanOrEqualTo(BEFORE_KILL);
    assertThat(load.allocated).as("allocations answered 200, not in the history").allSatisfy(id ->
      assertThat(rows).contains(id));
    assertThat(load.released).as("releases answered, not in the history").allSatisfy(id ->
      assertThat(releasedRows).contains(id));
    // Beyond them, only what was in flight when the node died: reserved in Redis, never answered.
    assertThat(rows.size() - load.allocated.size()).as("history rows of allocations never answered")
      .isBetween(0, WORKERS);
    assertThat(releasedRows.size() - load.released.size()).as("releases recorded but never answered")
      .isBetween(0, WORKERS);
    System.out.printf("kill -9 under load: %d allocations and %d releases answered, %d history rows (%d released)%n",
      load.allocated.size(), load.released.size(), rows.size(), releasedRows.size());
  }

  /** WORKERS loops of /next-cid as VICIdial sends it, then /release of 9 calls in 10, until the node is gone. */
  private final class Load {

    final Set<String> allocated = ConcurrentHashMap.newKeySet();
    final Set<String> released = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Future<Void>> workers = new ArrayList<>();

    void start() {
      running.set(true);
      for (int i = 0; i < WORKERS; i++) {
        Promise<Void> done = Promise.promise();
        int agent = 1001 + i;
        otherNode.vertx.runOnContext(v -> next(agent, done));
        workers.add(done.future());
      }
    }

    Future<Void> stop() {
      running.set(false);
      return Future.all(workers).mapEmpty();
    }

    private void next(int agent, Promise<Void> done) {
      if (!running.get()) {
        done.complete();
        return;
      }
      int call = calls.incrementAndGet();
      http.get(node.port, "127.0.0.1", "/next-cid")
        .addQueryParam("to", "512555" + String.format("%04d", call % 10_000))
        .addQueryParam("campaign", "KILLTEST").addQueryParam("agent", Integer.toString(agent))
        .timeout(5000)
        .send()
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.succeededFuture();
          }
          JsonObject answer = response.bodyAsJsonObject();
          allocated.add(answer.getString("reservation"));
          if (call % 10 == 0) {
            return Future.succeededFuture();
          }
          return http.get(node.port, "127.0.0.1", "/release")
            .addQueryParam("caller_id", answer.getString("caller_id"))
            .timeout(5000)
            .send()
            .map(release -> {
              if (release.statusCode() == 200 && release.bodyAsJsonObject().getBoolean("released")) {
                released.add(answer.getString("reservation"));
              }
              return null;
            });
        })
        // The node is gone (connection refused or reset): this worker is done.
        .onComplete(ar -> {
          if (ar.failed()) {
            done.complete();
          } else {
            next(agent, done);
          }
        });
    }
  }
}
