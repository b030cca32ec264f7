package io.cidrotator.resilience;

import io.cidrotator.AppConfig;
import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.cidrotator.allocation.Allocator;
import io.cidrotator.dialer.AllocationRequest;
import io.cidrotator.dialer.CallEnd;
import io.cidrotator.dialer.CallIdentity;
import io.cidrotator.dialer.ReleaseRequest;
import io.cidrotator.phone.NanpNumber;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 10-minute PostgreSQL outage at full rate (1,400 allocations a second, each released): nothing the dialers were
 * answered with is missing from the history once PostgreSQL is back. Simulated time, honestly: what such an outage
 * leaves behind is its volume (840,000 allocations and as many releases waiting in Redis's history stream), not its
 * wall time. The first {@link #HTTP_SECONDS} s are real VICIdial-like HTTP load; the rest of the volume goes through
 * an allocator called in place (the same allocate and release scripts, the same history appends), as fast as Redis
 * takes it. Then PostgreSQL comes back and the writer drains the stream. Long: run by {@code scripts/faults}.
 */
@Tag("faults")
class LongPostgresOutageTest {

  private static final int RATE = 1_400;
  private static final int OUTAGE_SECONDS = 600;
  private static final int ALLOCATIONS = RATE * OUTAGE_SECONDS;
  private static final int HTTP_SECONDS = 20;
  private static final int HTTP_WORKERS = 16;
  private static final int IN_PLACE_CONCURRENCY = 64;
  private static final int NUMBERS = 2_000;

  private OwnPostgres pg;
  private TestServer server;

  @BeforeEach
  void start() {
    pg = OwnPostgres.start();
    server = TestServer.start(pg.settings()
      .put("DEFAULT_RATE_LIMIT_PER_AGENT", 1_000_000)
      .put("DEFAULT_RESERVATION_TTL", 3600));
    List<JsonObject> numbers = TestServer.numbers("512", NUMBERS);
    numbers.forEach(n -> n.put("hourly_limit", 10_000_000).put("daily_limit", 10_000_000));
    server.reset().seed(numbers);
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    pg.close();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void everyAllocationAndReleaseAnsweredDuringATenMinuteOutageAtFullRateIsWrittenOnceItEnds() {
    long memoryBefore = usedMemory();
    pg.stop();

    HttpLoad http = new HttpLoad();
    http.run(Duration.ofSeconds(HTTP_SECONDS));
    long filledStart = System.nanoTime();
    InPlace inPlace = new InPlace(server.config, ALLOCATIONS - http.allocated.size());
    server.vertx.deployVerticle(inPlace).await();
    inPlace.done.future().await();
    long fillMs = (System.nanoTime() - filledStart) / 1_000_000;

    long allocated = http.allocated.size() + inPlace.allocated.get();
    long released = http.released.size() + inPlace.released.get();
    double buffered = Poll.until(server.vertx, Duration.ofSeconds(10), "every history entry in the stream",
      () -> server.metric("cidrotator_history_buffered"), value -> value >= allocated + released);
    assertThat(server.metric("cidrotator_history_dropped_total").await()).as("history entries dropped").isZero();
    long memoryMb = (usedMemory() - memoryBefore) / 1_000_000;
    long streamBytes = server.redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(RedisKeys.HISTORY)
      .arg("SAMPLES").arg(0)).await().toLong();

    long back = System.nanoTime();
    pg.startAgain();
    Poll.until(server.vertx, Duration.ofMinutes(5), "the history stream written to PostgreSQL",
      () -> server.metric("cidrotator_history_buffered"), value -> value == 0);
    long drainMs = (System.nanoTime() - back) / 1_000_000;

    Row rows = server.sql.query("SELECT count(*) AS allocations, count(released_at) AS released FROM allocations")
      .execute().await().iterator().next();
    assertThat(rows.getLong("allocations")).as("history rows, of " + allocated + " allocations answered")
      .isEqualTo(allocated);
    assertThat(rows.getLong("released")).as("release outcomes, of " + released + " releases answered")
      .isEqualTo(released);
    long httpRows = server.sql.preparedQuery("SELECT count(*) AS n FROM allocations WHERE id = ANY($1::uuid[])")
      .execute(Tuple.of(http.allocated.stream().map(UUID::fromString).toArray(UUID[]::new)))
      .await().iterator().next().getLong("n");
    assertThat(httpRows).as("rows of the allocations answered over HTTP").isEqualTo(http.allocated.size());
    System.out.printf("10-minute PostgreSQL outage at %d allocations/s, simulated: %d allocations and %d releases "
        + "answered (%d over HTTP in %d s, the rest in place in %d ms); %.0f history entries buffered, the stream "
        + "%d MB (%d bytes an entry; Redis grew %d MB with the calls' keys), 0 dropped; written %d ms after "
        + "PostgreSQL came back; rows = answers%n", RATE, allocated, released, http.allocated.size(), HTTP_SECONDS,
      fillMs, buffered, streamBytes / 1_000_000, streamBytes / (long) buffered, memoryMb, drainMs);
  }

  private long usedMemory() {
    String info = server.redis.send(Request.cmd(Command.INFO).arg("memory")).await().toString();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("no used_memory in INFO memory");
  }

  /** HTTP_WORKERS dialers: /next-cid as VICIdial sends it, then /release by the call's uid with how it ended. */
  private final class HttpLoad {

    final Set<String> allocated = ConcurrentHashMap.newKeySet();
    final Set<String> released = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong calls = new AtomicLong();

    void run(Duration duration) {
      List<Future<Void>> workers = new ArrayList<>();
      for (int i = 0; i < HTTP_WORKERS; i++) {
        Promise<Void> done = Promise.promise();
        int agent = 1001 + i;
        server.vertx.runOnContext(v -> next(agent, done));
        workers.add(done.future());
      }
      server.vertx.timer(duration.toMillis()).await();
      running.set(false);
      Future.all(workers).await();
    }

    private void next(int agent, Promise<Void> done) {
      if (!running.get()) {
        done.complete();
        return;
      }
      long call = calls.incrementAndGet();
      server.http.get("/next-cid")
        .addQueryParam("to", "512555" + String.format("%04d", call % 10_000))
        .addQueryParam("campaign", "OUTAGE").addQueryParam("agent", Integer.toString(agent))
        .addQueryParam("uid", "1732612345." + call)
        .timeout(5000)
        .send()
        .compose(answer -> {
          assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
          String reservation = answer.bodyAsJsonObject().getString("reservation");
          allocated.add(reservation);
          return server.http.get("/release").addQueryParam("uid", "1732612345." + call)
            .addQueryParam("dialstatus", "ANSWER").addQueryParam("answered", "42").addQueryParam("cause", "16")
            .timeout(5000).send()
            .map(release -> {
              assertThat(release.statusCode()).as(release.bodyAsString()).isEqualTo(200);
              if (release.bodyAsJsonObject().getBoolean("released")) {
                released.add(reservation);
              }
              return null;
            });
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            done.fail(ar.cause());
          } else {
            next(agent, done);
          }
        });
    }
  }

  /**
   * An allocator called in place (the allocate and release scripts as the allocator verticles run them, without
   * HTTP and the bus), {@code total} calls, each allocated then released, IN_PLACE_CONCURRENCY at a time.
   */
  private static final class InPlace extends VerticleBase {

    final AtomicLong allocated = new AtomicLong();
    final AtomicLong released = new AtomicLong();
    final Promise<Void> done = Promise.promise();
    private final AppConfig config;
    private final int total;
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private Allocator allocator;

    InPlace(AppConfig config, int total) {
      this.config = config;
      this.total = total;
    }

    @Override
    public Future<?> start() {
      allocator = new Allocator(vertx, config, "outage-fill");
      return allocator.start()
        .onSuccess(v -> {
          for (int i = 0; i < IN_PLACE_CONCURRENCY; i++) {
            next();
          }
        });
    }

    private void next() {
      long call = started.incrementAndGet();
      if (call > total) {
        if (finished.get() == total) {
          done.tryComplete();
        }
        return;
      }
      AllocationRequest request = new AllocationRequest(new NanpNumber("512555" + String.format("%04d", call % 10_000)),
        "OUTAGE", Long.toString(2000 + call % 200), new CallIdentity(null, "1800000000." + call));
      allocator.allocate(request.toJson())
        .compose(answer -> {
          allocated.incrementAndGet();
          return allocator.release(new ReleaseRequest(answer.getString("caller_id"), answer.getString("reservation"),
            CallIdentity.ANONYMOUS, new CallEnd("ANSWER", 42, 16)).toJson());
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            done.tryFail(ar.cause());
            return;
          }
          if (ar.result().getBoolean("released")) {
            released.incrementAndGet();
          }
          finished.incrementAndGet();
          next();
        });
    }

    @Override
    public Future<?> stop() {
      return allocator.stop();
    }
  }
}
