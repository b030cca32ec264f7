package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis master killed ({@code kill -9}) under a VICIdial-like load, with real redis-server processes: promoted by
 * Redis Sentinel (REDIS_SENTINELS; two nodes), or by hand from a plain replica (REDIS_HOST naming both; one node). The promoted replica
 * reads its master through a proxy that stops passing the replication stream {@link #LAG_MS} before the kill, so it
 * lacks the dead master's last writes, as asynchronous replication can leave it; the calls allocated meanwhile stay
 * live across the failover. Their reservations and counts are reconciled from the history before anything is
 * allocated from the new master. Every number is capped at {@link #DAILY_CAP} a day and the load runs until the
 * caps are spent: no number is handed out while an earlier call holds it, none over its cap, and every answered
 * allocation is in the history.
 */
class RedisFailoverTest {

  private static final int WORKERS = 16;
  private static final int NUMBERS = 40;
  private static final int DAILY_CAP = 25;
  /** Allocations answered before the master dies. */
  private static final int BEFORE_KILL = 300;
  /** How long each call holds its number before the hangup's release ... */
  private static final long HOLD_MS = 20;
  /** ... and a call answered while the replication stream is held back: live until well after the failover. */
  private static final long LIVE_ACROSS_MS = 8000;
  /** How long before the kill the promoted replica stops receiving its master's writes. */
  private static final long LAG_MS = 400;

  private final List<RedisProcess> redis = new ArrayList<>();
  private TestServer seeder;
  /** The nodes under test, each in a JVM of its own; the dialers are spread over them. */
  private final List<ServerProcess> nodes = new ArrayList<>();
  private WebClient http;
  private RedisProcess master;
  private RedisProcess promoted;
  private RedisProcess other;
  private ReplicationProxy proxy;

  @BeforeEach
  void startRedisAndSeed() {
    seeder = TestServer.start();
    master = keep(RedisProcess.server("redis-master"));
    // The replica promoted: first choice of the Sentinels (lowest priority), behind a proxy that can hold back
    // its replication stream.
    proxy = ReplicationProxy.start(seeder.vertx, master.port);
    promoted = keep(RedisProcess.server("redis-replica-a", "replicaof 127.0.0.1 " + proxy.port(),
      "replica-priority 1"));
    other = keep(RedisProcess.server("redis-replica-b", "replicaof 127.0.0.1 " + master.port,
      "replica-priority 100"));
    await(Duration.ofSeconds(20), "both replicas in sync with the master",
      () -> master.command("INFO replication").contains("connected_slaves:2")
        && promoted.command("INFO replication").contains("master_link_status:up")
        && other.command("INFO replication").contains("master_link_status:up"));
    List<JsonObject> numbers = TestServer.numbers("512", NUMBERS);
    numbers.forEach(n -> n.put("hourly_limit", 1_000_000).put("daily_limit", DAILY_CAP));
    seeder.reset().seed(numbers);
    http = WebClient.create(seeder.vertx);
  }

  private RedisProcess keep(RedisProcess process) {
    redis.add(process);
    return process;
  }

  @AfterEach
  void stopAll() {
    http.close();
    nodes.forEach(ServerProcess::close);
    if (seeder != null) {
      seeder.close();
    }
    redis.forEach(RedisProcess::close);
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void sentinelFailoverUnderLoadDoubleBooksNothingAndOverrunsNoCap() {
    List<String> sentinels = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      sentinels.add("127.0.0.1:" + keep(RedisProcess.sentinel("redis-sentinel-" + i, "cidmaster", master.port)).port);
    }
    await(Duration.ofSeconds(30), "every sentinel knowing both replicas and the other sentinels",
      () -> redis.subList(3, 6).stream().allMatch(sentinel -> sentinel.command("INFO sentinel")
        .contains("status=ok,address=127.0.0.1:" + master.port + ",slaves=2,sentinels=3")));
    // Two nodes: each writes again the history only it kept, and the reconciliation waits for both.
    for (int i = 1; i <= 2; i++) {
      nodes.add(ServerProcess.start("redis-failover-sentinel-" + i, nodeConfig()
        .put("REDIS_SENTINELS", String.join(",", sentinels))
        .put("REDIS_MASTER_NAME", "cidmaster"), seeder.vertx));
    }

    Outcome outcome = failOver(() -> { });

    System.out.printf("Sentinel failover under load: first allocation %d ms after the kill; %s; the Sentinels: %s%n",
      outcome.failoverMs, outcome.summary, elections());
    assertThat(outcome.failoverMs).as("ms from the master's kill to the first allocation answered").isLessThan(15_000);
  }

  @Test
  void aReplicaPromotedByHandIsFollowedWithoutARestart() {
    nodes.add(ServerProcess.start("redis-failover-replica", nodeConfig()
      .put("REDIS_HOST", "127.0.0.1:" + master.port + ",127.0.0.1:" + promoted.port), seeder.vertx));

    // The operator's promotion, a second after the master died.
    Outcome outcome = failOver(() -> {
      sleep(1000);
      assertThat(promoted.command("REPLICAOF NO ONE")).isEqualTo("+OK");
    });

    System.out.printf("Replica promoted by hand under load: first allocation %d ms after the kill; %s%n",
      outcome.failoverMs, outcome.summary);
  }

  private static JsonObject nodeConfig() {
    return TestServer.baseConfig()
      .put("REDIS_URL", "")
      .put("REDIS_HOST", "")
      .put("DEFAULT_RATE_LIMIT_PER_AGENT", 1_000_000);
  }

  private record Outcome(long failoverMs, String summary) {
  }

  /**
   * Runs the load, makes the replica to be promoted lag, kills the master, runs {@code promote}, and runs the load on
   * until every cap is spent; then checks what the dialers were answered.
   */
  private Outcome failOver(Runnable promote) {
    Load load = new Load();
    load.start();
    await(Duration.ofSeconds(60), BEFORE_KILL + " allocations answered",
      () -> load.calls.size() >= BEFORE_KILL);

    // What the master writes from now on never reaches the replica that takes over; the calls answered meanwhile
    // stay live across the failover.
    proxy.holdBack();
    load.callsLiveAcross(WORKERS);
    long heldBackAt = System.nanoTime();
    sleep(LAG_MS);
    int answeredBeforeKill = load.calls.size();
    long killedAt = System.nanoTime();
    master.kill();
    promote.run();

    await(Duration.ofSeconds(30), "an allocation answered after the kill",
      () -> load.firstAnsweredAfter(killedAt) > 0);
    long failoverMs = (load.firstAnsweredAfter(killedAt) - killedAt) / 1_000_000;
    // On until every cap is spent: allocations then answer 503 "at its hourly or daily cap", nothing being live.
    // A number left reserved after its call's release (a lost release) never gets there.
    try {
      await(Duration.ofSeconds(60), "every number at its daily cap", () -> load.capped.get() >= 50);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; " + load.calls.size() + " allocations answered; reserved now: "
        + reserved(load, killedAt) + "; releases answered: " + load.releases, e);
    }
    load.stop().await();

    Map<String, List<Call>> byNumber = new HashMap<>();
    for (Call call : load.calls) {
      byNumber.computeIfAbsent(call.callerId, n -> new ArrayList<>()).add(call);
    }
    int overlaps = 0;
    int overCap = 0;
    for (List<Call> calls : byNumber.values()) {
      calls.sort(Comparator.comparingLong(Call::answeredAt));
      for (int i = 1; i < calls.size(); i++) {
        // Handed out again before the call holding it had even sent its release.
        if (calls.get(i).answeredAt < calls.get(i - 1).releaseSentAt) {
          overlaps++;
        }
      }
      overCap += Math.max(0, calls.size() - DAILY_CAP);
    }
    long unreplicated = load.calls.stream().filter(c -> c.answeredAt > heldBackAt && c.answeredAt < killedAt).count();
    System.out.printf("answered while the replication stream was held back: %d; overlaps %d, over cap %d%n",
      unreplicated, overlaps, overCap);
    assertThat(overlaps).as("numbers handed to a call while an earlier call held them").isZero();
    assertThat(overCap).as("allocations beyond a number's daily cap").isZero();
    // The caps' whole capacity was answered, but the allocations in flight at the kill: counted on the master that
    // died, or on the new one while their answer was lost with the connection.
    assertThat(load.calls.size()).as("allocations answered of the %d the caps allow", NUMBERS * DAILY_CAP)
      .isGreaterThanOrEqualTo(NUMBERS * DAILY_CAP - 2 * WORKERS);
    assertThat(logLines("reconciled")).as("the nodes' logs: the new master reconciled with the history").isNotEmpty();

    Set<String> answered = new HashSet<>();
    load.calls.forEach(call -> answered.add(call.reservation));
    Set<String> rows = new HashSet<>();
    await(Duration.ofSeconds(30), "every answered allocation in the history", () -> {
      rows.clear();
      for (Row row : seeder.sql.query("SELECT id FROM allocations").execute().await()) {
        rows.add(row.getUUID("id").toString());
      }
      return rows.containsAll(answered);
    });
    return new Outcome(failoverMs, String.format("%d allocations answered (%d before the kill), %d "
        + "answers 'all capped' at the end, 0 double-booked, 0 over a cap, %d history rows; %s", load.calls.size(),
      answeredBeforeKill, load.capped.get(), rows.size(), logLines("written from memory", "reconciled")));
  }

  /** The numbers reserved on the promoted master, each with its hash and what the dialers were answered about it. */
  private String reserved(Load load, long killedAt) {
    String numbers = promoted.command("EVAL \"local out = {} for _, c in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) "
      + "do out[#out + 1] = c .. ' {' .. table.concat(redis.call('HGETALL', '{cr}:n:' .. c), ' ') .. '}' end "
      + "return table.concat(out, '; ')\" 1 {cr}:r:default");
    StringBuilder report = new StringBuilder(numbers == null ? "none" : numbers);
    long killedAtMs = System.currentTimeMillis() - (System.nanoTime() - killedAt) / 1_000_000;
    report.append(" (the kill at ").append(killedAtMs).append(" ms); calls answered with these reservations: ");
    load.calls.stream().filter(call -> numbers != null && numbers.contains(call.reservation()))
      .forEach(call -> report.append(call).append(' '));
    return report.toString();
  }

  /**
   * How the Sentinels' election went: a split vote (each voted for itself) is retried after twice their
   * failover-timeout, which the failover time then shows.
   */
  private static String elections() {
    try {
      long tries = 0;
      long elected = 0;
      for (int i = 1; i <= 3; i++) {
        List<String> lines = Files.readAllLines(Path.of("target", "redis-sentinel-" + i + ".log"));
        tries += lines.stream().filter(line -> line.contains("+try-failover")).count();
        elected += lines.stream().filter(line -> line.contains("+elected-leader")).count();
      }
      return tries + " tried to lead the failover, " + elected + " elected";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of the nodes' logs that hold any of {@code words}, without their time and thread. */
  private String logLines(String... words) {
    try {
      List<String> lines = new ArrayList<>();
      for (ServerProcess node : nodes) {
        Files.readAllLines(node.log).stream()
          .filter(line -> List.of(words).stream().anyMatch(line::contains))
          .map(line -> node.log.getFileName() + ": " + line.substring(line.indexOf(" - ") + 3))
          .forEach(lines::add);
      }
      return String.join("; ", lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One allocation answered 200: its number, when the answer came and when the hangup's release was sent. */
  private record Call(String callerId, String reservation, long askedAt, long answeredAt, long releaseSentAt) {
  }

  /** WORKERS dialers: /next-cid as VICIdial sends it (with the call's uid), the call, then /release by uid. */
  private final class Load {

    final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    final AtomicInteger capped = new AtomicInteger();
    /** The answers to the releases, by status and body: what a failing run reports. */
    final Map<String, Integer> releases = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong uids = new AtomicLong();
    /** Starts {@code count} more dialers, each placing one call that stays live across the failover. */
    void callsLiveAcross(int count) {
      for (int i = 0; i < count; i++) {
        Promise<Void> done = Promise.promise();
        int agent = 3001 + i;
        seeder.vertx.runOnContext(v -> call(agent, LIVE_ACROSS_MS, done::complete));
        workers.add(done.future());
      }
    }
    private final List<Future<Void>> workers = new java.util.concurrent.CopyOnWriteArrayList<>();

    void start() {
      running.set(true);
      for (int i = 0; i < WORKERS; i++) {
        Promise<Void> done = Promise.promise();
        int agent = 2001 + i;
        seeder.vertx.runOnContext(v -> next(agent, done));
        workers.add(done.future());
      }
    }

    Future<Void> stop() {
      running.set(false);
      return Future.all(workers).mapEmpty();
    }

    /** nanoTime of the first answer to an allocation asked after {@code since}; 0 for none yet. */
    long firstAnsweredAfter(long since) {
      return calls.stream().filter(call -> call.askedAt > since).mapToLong(Call::answeredAt).min().orElse(0);
    }

    private void next(int agent, Promise<Void> done) {
      if (!running.get()) {
        done.complete();
        return;
      }
      call(agent, HOLD_MS, () -> next(agent, done));
    }

    /** One call: the allocation, {@code holdMs} of call when it is answered, the release; then {@code after}. */
    private void call(int agent, long holdMs, Runnable after) {
      long id = uids.incrementAndGet();
      String uid = "1700000000." + id;
      long askedAt = System.nanoTime();
      ServerProcess node = nodes.get(agent % nodes.size());
      http.get(node.port, "127.0.0.1", "/next-cid")
        .addQueryParam("to", "512555" + String.format("%04d", id % 10_000))
        .addQueryParam("campaign", "FAILOVER").addQueryParam("agent", Integer.toString(agent))
        .addQueryParam("uid", uid)
        .timeout(5000)
        .send()
        .compose(response -> {
          long answeredAt = System.nanoTime();
          if (response.statusCode() != 200) {
            String body = response.bodyAsString();
            if (body != null && body.contains("at its hourly or daily cap") && !body.contains("live call")) {
              capped.incrementAndGet();
            }
            return pause(HOLD_MS);
          }
          JsonObject answer = response.bodyAsJsonObject();
          return pause(holdMs).compose(v -> {
            calls.add(new Call(answer.getString("caller_id"), answer.getString("reservation"), askedAt, answeredAt,
              System.nanoTime()));
            return http.get(node.port, "127.0.0.1", "/release").addQueryParam("uid", uid).timeout(5000).send()
              .andThen(ar -> releases.merge(ar.succeeded() ? outcome(ar.result()) : ar.cause().toString(), 1,
                Integer::sum))
              .<Void>mapEmpty();
          });
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            pause(HOLD_MS).onComplete(v -> after.run());
          } else {
            after.run();
          }
        });
    }

    /** A release's status and detail (its number left out, so that answers count together). */
    private static String outcome(HttpResponse<Buffer> response) {
      String body = response.bodyAsString();
      return response.statusCode() + (body != null && body.contains("\"detail\"")
        ? " " + new JsonObject(body).getString("detail") : "");
    }

    private Future<Void> pause(long ms) {
      Promise<Void> paused = Promise.promise();
      seeder.vertx.setTimer(ms, t -> paused.complete());
      return paused.future();
    }
  }

  /** Waits (blocking reads allowed: the JUnit thread) until {@code reached} holds. */
  private void await(Duration within, String what, BooleanSupplier reached) {
    Poll.until(seeder.vertx, within, what, () -> Future.succeededFuture(reached.getAsBoolean()), done -> done);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
