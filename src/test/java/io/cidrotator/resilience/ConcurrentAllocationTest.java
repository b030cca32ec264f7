package io.cidrotator.resilience;

import io.cidrotator.TestServer;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two server instances (each its own Vert.x, port and Redis connections) allocating from one shared Redis
 * and PostgreSQL, as two dialer-facing nodes behind a load balancer would. Demand for area code 512 exceeds
 * the 30 local numbers, so the other 170 numbers of the pool are used too.
 */
class ConcurrentAllocationTest {

  private static final String LOCAL_NPA = "512";
  private static final int LOCAL_NUMBERS = 30;
  private static final List<String> OTHER_NPAS = List.of("737", "214", "312", "415", "602");
  private static final int PER_OTHER_NPA = 34;
  private static final int POOL_SIZE = LOCAL_NUMBERS + OTHER_NPAS.size() * PER_OTHER_NPA;
  private static final int REQUESTS = 2000;
  private static final int IN_FLIGHT = 200;
  private static final String P = RedisKeys.PREFIX;

  /**
   * No reservation expires and no cap is reached during the test, so every number comes back only through
   * our own releases; the long bus timeout keeps a slow, shared 2-core machine from turning a late answer
   * into a 503 that says nothing about the allocation logic.
   */
  private static final JsonObject SETTINGS = new JsonObject()
    .put("DEFAULT_RESERVATION_TTL", 3600)
    .put("DEFAULT_HOURLY_LIMIT", 1_000_000)
    .put("DEFAULT_DAILY_LIMIT", 10_000_000)
    .put("ALLOCATION_TIMEOUT_MS", 10_000);

  private static TestServer first;
  private static TestServer second;
  private static Vertx clients;
  private static WebClient toFirst;
  private static WebClient toSecond;

  @BeforeAll
  static void startTwoServers() {
    first = TestServer.start(SETTINGS.copy());
    second = TestServer.start(SETTINGS.copy());
    clients = Vertx.vertx();
    toFirst = client(first);
    toSecond = client(second);
  }

  @AfterAll
  static void stopServers() {
    if (clients != null) {
      clients.close().await();
    }
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  @BeforeEach
  void seedMoreDemandThanLocalSupply() {
    first.reset().seed(inventory());
  }

  @Test
  void twoServersUnderLoadNeverHandOutALiveNumberNeverAnswer503WhileOneIsFreeAndUseLocalNumbersFirst() throws Exception {
    Load load = new Load();
    onOneContext(load::run).await(45, TimeUnit.SECONDS);

    System.out.printf("%d calls: %d local answers (prefix, area_code), %d from further tiers, %d held longer%n",
      load.calls.size(), load.count(ConcurrentAllocationTest::isLocal),
      load.count(tier -> !isLocal(tier)), load.heldLonger);
    assertThat(load.calls).hasSize(REQUESTS);
    assertThat(load.failures())
      .as("with %d calls in flight and %d numbers one is always free: no answer but 200", IN_FLIGHT, POOL_SIZE)
      .isEmpty();
    assertThat(load.doubleHandouts)
      .as("numbers handed out while this test still held them")
      .isEmpty();
    assertThat(load.releasesThatFoundNoReservation())
      .as("releases whose reservation was no longer live (someone else ended it)")
      .isEmpty();
    assertThat(load.tierMismatches())
      .as("a local tier (prefix, area_code) must be a 512 number and a further tier any other")
      .isEmpty();
    assertThat(load.poolAnswersWhileALocalNumberWasFree())
      .as("answers from a further tier although some 512 number was certainly free at the time")
      .isEmpty();
    assertThat(zcard(P + "r:default")).as("live reservations after every release").isZero();
    assertThat(available()).as("available numbers after every release").isEqualTo(POOL_SIZE);
    // Every local number is in its area code's set (512) and its NPA-NXX's (512-555).
    assertThat(zcard(P + "a:default:" + LOCAL_NPA)).isEqualTo(LOCAL_NUMBERS);
    assertThat(zcard(P + "p:default:" + LOCAL_NPA + "555")).isEqualTo(LOCAL_NUMBERS);
  }

  @Test
  void threeHundredCallsAtOnceWithoutHangupGetTheTwoHundredNumbersOnceEachAndOneHundred503s() throws Exception {
    int calls = 300;
    List<HttpResponse<Buffer>> answers = burst(calls);

    List<JsonObject> ok = new ArrayList<>();
    List<JsonObject> unavailable = new ArrayList<>();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    for (HttpResponse<Buffer> response : answers) {
      byStatus.merge(response.statusCode(), 1, Integer::sum);
      (response.statusCode() == 200 ? ok : unavailable).add(response.bodyAsJsonObject());
    }
    assertThat(byStatus).containsExactlyEntriesOf(new TreeMap<>(Map.of(200, POOL_SIZE, 503, calls - POOL_SIZE)));
    assertThat(ok.stream().map(body -> body.getString("caller_id")).collect(Collectors.toSet()))
      .as("every number handed out exactly once")
      .hasSize(POOL_SIZE)
      .containsExactlyInAnyOrderElementsOf(inventory().stream().map(n -> n.getString("caller_id")).toList());
    assertThat(ok.stream()
      .filter(body -> isLocal(body.getString("tier")))
      .map(body -> body.getString("caller_id")))
      .as("the local numbers, and only they, answer with a local tier")
      .hasSize(LOCAL_NUMBERS)
      .allMatch(cid -> cid.startsWith(LOCAL_NPA));
    assertThat(unavailable)
      .allSatisfy(body -> assertThat(body).isEqualTo(new JsonObject()
        .put("detail", "no caller-ID available: every number of pool 'default' is on a live call")));
    assertThat(zcard(P + "r:default")).isEqualTo(POOL_SIZE);
    assertThat(available()).isZero();
  }

  @Test
  void aBurstOfAsManyCallsAsThereAreLocalNumbersGetsOnlyLocalNumbers() throws Exception {
    // No hangups and no expiry: the k-th allocation Redis runs still sees 100 - k + 1 free local numbers, so
    // whatever the interleaving of the two servers, every answer must be local. One 'pool' answer is a bug.
    first.reset().seed(concat(TestServer.numbers(LOCAL_NPA, 100), TestServer.numbers("737", 100)));
    List<HttpResponse<Buffer>> responses = burst(100);

    assertThat(responses).allSatisfy(response -> assertThat(response.statusCode())
      .as(response.bodyAsString())
      .isEqualTo(200));
    List<JsonObject> answers = responses.stream().map(HttpResponse::bodyAsJsonObject).toList();
    assertThat(answers.stream().filter(body -> !isLocal(body.getString("tier"))).toList())
      .as("answers from outside area code 512 while a 512 number was free")
      .isEmpty();
    assertThat(answers.stream().map(body -> body.getString("caller_id")).collect(Collectors.toSet()))
      .containsExactlyInAnyOrderElementsOf(TestServer.numbers(LOCAL_NPA, 100).stream()
        .map(n -> n.getString("caller_id"))
        .toList());
  }

  /** Sends {@code calls} allocations at once, alternating the servers; the answers in the order sent. */
  private static List<HttpResponse<Buffer>> burst(int calls) throws Exception {
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    onOneContext(() -> {
      for (int n = 0; n < calls; n++) {
        answers.add((n % 2 == 0 ? toFirst : toSecond).get("/next-cid")
          .addQueryParam("to", destination(n))
          .addQueryParam("campaign", "burst")
          .send());
      }
      return Future.join(answers).mapEmpty();
    }).await(45, TimeUnit.SECONDS);
    for (Future<HttpResponse<Buffer>> answer : answers) {
      if (answer.failed()) {
        throw new AssertionError("a request failed without an HTTP answer", answer.cause());
      }
    }
    return answers.stream().map(Future::result).toList();
  }

  private static List<JsonObject> concat(List<JsonObject> a, List<JsonObject> b) {
    List<JsonObject> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * 2,000 allocations by {@value IN_FLIGHT} workers, alternating the servers. A worker allocates, holds the
   * number (a few of them a little longer), releases it on the other server, waits for that answer, then
   * allocates again: at any moment each worker holds at most one number, so when one of them asks, at most
   * {@value IN_FLIGHT} - 1 of the {@value POOL_SIZE} numbers are reserved. Runs on one Vert.x context, so the
   * bookkeeping below is single-threaded and the nanoTime stamps are ordered as the events were seen.
   */
  private static final class Load {

    final List<Call> calls = new ArrayList<>();
    final Map<String, Call> holders = new HashMap<>();
    final List<String> doubleHandouts = new ArrayList<>();
    final Random random = new Random(20240611);
    int issued;
    int heldLonger;

    Future<Void> run() {
      List<Future<Void>> workers = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        workers.add(worker());
      }
      return Future.all(workers).mapEmpty();
    }

    private Future<Void> worker() {
      if (issued == REQUESTS) {
        return Future.succeededFuture();
      }
      return call(issued++).compose(v -> worker());
    }

    private Future<Void> call(int n) {
      Call call = new Call(n);
      calls.add(call);
      WebClient allocateOn = n % 2 == 0 ? toFirst : toSecond;
      WebClient releaseOn = n % 2 == 0 ? toSecond : toFirst;
      call.sent = System.nanoTime();
      return allocateOn.get("/next-cid")
        .addQueryParam("to", destination(n))
        .addQueryParam("campaign", "load")
        .send()
        .compose(response -> {
          call.answered = System.nanoTime();
          call.status = response.statusCode();
          JsonObject body = response.bodyAsJsonObject();
          if (call.status != 200) {
            call.detail = String.valueOf(body);
            return Future.succeededFuture();
          }
          call.callerId = body.getString("caller_id");
          call.tier = body.getString("tier");
          Call holder = holders.putIfAbsent(call.callerId, call);
          if (holder != null) {
            doubleHandouts.add(call.callerId + " handed to call " + n + " while call " + holder.n + " held it");
          }
          return hold().compose(v -> release(releaseOn, call));
        });
    }

    private Future<Void> hold() {
      if (random.nextInt(20) != 0) {
        return Future.succeededFuture();
      }
      heldLonger++;
      return clients.timer(20 + random.nextInt(180)).mapEmpty();
    }

    private Future<Void> release(WebClient releaseOn, Call call) {
      // No longer ours from here on: the server may hand it out as soon as it processed the release.
      holders.remove(call.callerId, call);
      return releaseOn.get("/release")
        .addQueryParam("caller_id", call.callerId)
        .send()
        .map(response -> {
          call.released = System.nanoTime();
          call.releaseStatus = response.statusCode();
          call.releaseFoundReservation = response.statusCode() == 200
            && response.bodyAsJsonObject().getBoolean("released");
          return null;
        });
    }

    long count(java.util.function.Predicate<String> tier) {
      return calls.stream().filter(c -> c.tier != null && tier.test(c.tier)).count();
    }

    List<String> failures() {
      return calls.stream()
        .filter(c -> c.status != 200)
        .map(c -> "call " + c.n + ": " + c.status + " " + c.detail)
        .toList();
    }

    List<String> releasesThatFoundNoReservation() {
      return calls.stream()
        .filter(c -> c.callerId != null && !c.releaseFoundReservation)
        .map(c -> "call " + c.n + " released " + c.callerId + ": status " + c.releaseStatus)
        .toList();
    }

    List<String> tierMismatches() {
      return calls.stream()
        .filter(c -> c.callerId != null)
        .filter(c -> c.callerId.startsWith(LOCAL_NPA) != isLocal(c.tier))
        .map(c -> "call " + c.n + ": " + c.callerId + " with tier " + c.tier)
        .toList();
    }

    /**
     * A 'pool' answer is right only if, when it was allocated, all 30 local numbers were reserved. Each local
     * number's reservations lie within [sent, released] of the calls that got it, and the pool allocation
     * within [sent, answered] of its call: a local number none of whose calls overlaps that window was free
     * the whole time the pool number was being picked. Sound (never a false alarm), if not complete.
     */
    List<String> poolAnswersWhileALocalNumberWasFree() {
      Map<String, List<Call>> byLocalNumber = calls.stream()
        .filter(c -> c.callerId != null && c.callerId.startsWith(LOCAL_NPA))
        .collect(Collectors.groupingBy(c -> c.callerId));
      List<String> violations = new ArrayList<>();
      for (Call pool : calls) {
        if (isLocal(pool.tier)) {
          continue;
        }
        for (String local : localNumbers()) {
          boolean maybeReserved = byLocalNumber.getOrDefault(local, List.of()).stream()
            .anyMatch(c -> c.sent <= pool.answered && c.released >= pool.sent);
          if (!maybeReserved) {
            violations.add("call " + pool.n + " got " + pool.callerId + " (tier " + pool.tier + ") while " + local
              + " was free");
            break;
          }
        }
      }
      return violations;
    }
  }

  private static final class Call {
    final int n;
    long sent;
    long answered;
    long released = Long.MAX_VALUE;
    int status;
    String detail;
    String callerId;
    String tier;
    int releaseStatus;
    boolean releaseFoundReservation;

    Call(int n) {
      this.n = n;
    }
  }

  /** Runs {@code work} on one event-loop context of the client Vert.x; the returned future completes there. */
  private static Future<Void> onOneContext(Supplier<Future<Void>> work) {
    Context context = clients.getOrCreateContext();
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  private static WebClient client(TestServer server) {
    return WebClient.create(clients,
      new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(server.config.apiPort())
        .setTcpNoDelay(true),
      new PoolOptions().setHttp1MaxSize(300));
  }

  /** A 512 destination as VICIdial would dial it (varying subscriber numbers, same area code). */
  private static String destination(int n) {
    return LOCAL_NPA + "555" + String.format("%04d", n % 10_000);
  }

  private static List<String> localNumbers() {
    return TestServer.numbers(LOCAL_NPA, LOCAL_NUMBERS).stream().map(n -> n.getString("caller_id")).toList();
  }

  /** 30 numbers in area code 512, 170 in five others. */
  private static List<JsonObject> inventory() {
    List<JsonObject> numbers = new ArrayList<>(TestServer.numbers(LOCAL_NPA, LOCAL_NUMBERS));
    for (String npa : OTHER_NPAS) {
      numbers.addAll(TestServer.numbers(npa, PER_OTHER_NPA));
    }
    return numbers;
  }

  /** Whether {@code tier} is one of the destination's own area code: its exchange (prefix) or the rest of it. */
  private static boolean isLocal(String tier) {
    return "prefix".equals(tier) || "area_code".equals(tier);
  }

  /** Available numbers of the pool: the sum of its leaves (keys.lua). */
  private static long available() {
    long total = 0;
    // The area codes' sets: an area code that spans zones has its numbers in its zones' sets too (a:<pool>:<npa>@<zone>).
    for (Response key : first.redis.send(Request.cmd(Command.KEYS).arg(P + "a:default:[0-9][0-9][0-9]")).await()) {
      total += zcard(key.toString());
    }
    return total;
  }

  private static long zcard(String key) {
    return first.redis.send(Request.cmd(Command.ZCARD).arg(key)).await().toLong();
  }
}
