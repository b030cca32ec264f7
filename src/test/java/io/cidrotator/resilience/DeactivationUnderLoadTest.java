package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deactivation while /next-cid runs flat out: once DELETE /api/caller-ids/{cid} has answered, no
 * allocation requested after that moment may hand the number out. Each allocation is released at once,
 * so every number keeps coming back into rotation unless its deactivation holds.
 */
class DeactivationUnderLoadTest {

  private static final int NUMBERS = 100;
  private static final int DEACTIVATED = 40;
  private static final int IN_FLIGHT = 32;

  private static TestServer server;
  private static Vertx clients;
  private static WebClient http;

  @BeforeAll
  static void start() {
    server = TestServer.start(new JsonObject()
      .put("DEFAULT_HOURLY_LIMIT", 1_000_000)
      .put("DEFAULT_DAILY_LIMIT", 10_000_000)
      .put("DEFAULT_RATE_LIMIT_PER_AGENT", 1_000_000)
      .put("ALLOCATION_TIMEOUT_MS", 10_000));
    server.reset().seed(TestServer.numbers("512", NUMBERS));
    clients = Vertx.vertx();
    http = WebClient.create(clients, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(server.config.apiPort()),
      new PoolOptions().setHttp1MaxSize(IN_FLIGHT + 4));
  }

  @AfterAll
  static void stop() {
    if (clients != null) {
      clients.close().await();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aDeactivatedNumberIsNeverHandedOutAfterItsDeactivationAnswered() {
    Map<String, Long> deactivatedAt = new ConcurrentHashMap<>();
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger allocations = new AtomicInteger();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      Promise<Void> done = Promise.promise();
      clients.runOnContext(v -> allocateUntilStopped(running, deactivatedAt, violations, allocations, done));
      loops.add(done.future());
    }

    for (int i = 0; i < DEACTIVATED; i++) {
      String callerId = "512555" + String.format("%04d", 100 + i);
      HttpResponse<Buffer> response = http.delete("/api/caller-ids/" + callerId)
        .putHeader("Authorization", server.bearer())
        .send().await();
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      deactivatedAt.put(callerId, System.nanoTime());
    }
    int duringDeactivation = allocations.get();
    // Keep the load on until it has made a good number of allocations after the last deactivation answered.
    Poll.until(clients, Duration.ofSeconds(10), "200 allocations after the deactivations",
      () -> Future.succeededFuture(allocations.get()), n -> n >= duringDeactivation + 200);
    running.set(false);
    Future.all(loops).await();

    assertThat(violations).isEmpty();
    assertThat(duringDeactivation).as("allocations while deactivating").isGreaterThan(DEACTIVATED);
    assertThat(allocations.get()).isGreaterThan(duringDeactivation);
  }

  private static void allocateUntilStopped(AtomicBoolean running, Map<String, Long> deactivatedAt,
                                           List<String> violations, AtomicInteger allocations, Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    long sentAt = System.nanoTime();
    http.get("/next-cid").addQueryParam("to", "5125559999").send()
      .compose(response -> {
        if (response.statusCode() != 200) {
          return Future.succeededFuture();
        }
        String callerId = response.bodyAsJsonObject().getString("caller_id");
        allocations.incrementAndGet();
        Long offAt = deactivatedAt.get(callerId);
        if (offAt != null && offAt < sentAt) {
          violations.add(callerId + " handed out " + (sentAt - offAt) / 1000 + " us after its deactivation answered");
        }
        return http.get("/release").addQueryParam("caller_id", callerId).send().mapEmpty();
      })
      .onComplete(ar -> {
        if (ar.failed()) {
          done.fail(ar.cause());
        } else {
          allocateUntilStopped(running, deactivatedAt, violations, allocations, done);
        }
      });
  }
}
