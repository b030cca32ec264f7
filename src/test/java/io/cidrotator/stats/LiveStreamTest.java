package io.cidrotator.stats;

import io.cidrotator.TestServer;
import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class LiveStreamTest {

  @RegisterExtension
  static final Api api = new Api(RoleTokens.serverSettings());

  private static final Pattern GAUGE = Pattern.compile("(?m)^cidrotator_live_streams(?:\\{[^}]*})? (\\S+)$");

  private HttpClient client;

  @BeforeEach
  void emptyInventory() {
    api.reset();
    client = api.server().vertx.createHttpClient();
  }

  @AfterEach
  void closeClient() {
    client.close().await();
  }

  /**
   * An open stream: the response and the events read so far, as {name, data}. The events before the first stats are
   * the ones the server sent first, from before the stream opened ({@link #backfill()}).
   */
  private record Stream(HttpClientResponse response, List<JsonObject> events) {

    List<JsonObject> backfill() {
      return events.stream().takeWhile(e -> !e.getString("event").equals("stats")).toList();
    }

    /** The first event named {@code name} (of {@code callerId} unless null) since the stream opened. */
    Optional<JsonObject> find(String name, String callerId) {
      return events.stream()
        .dropWhile(e -> !e.getString("event").equals("stats"))
        .filter(e -> e.getString("event").equals(name))
        .map(e -> e.getJsonObject("data"))
        .filter(data -> callerId == null || callerId.equals(data.getString("caller_id")))
        .findFirst();
    }
  }

  private Stream open(String authorization) {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    StringBuilder pending = new StringBuilder();
    HttpClientResponse response = client.request(new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setPort(api.server().config.apiPort())
        .setHost("127.0.0.1")
        .setURI("/api/live")
        .putHeader("Authorization", authorization))
      .compose(request -> request.send())
      .onSuccess(r -> r.handler(chunk -> parse(pending, chunk, events)))
      .await();
    return new Stream(response, events);
  }

  private static void parse(StringBuilder pending, Buffer chunk, List<JsonObject> events) {
    pending.append(chunk.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      if (block.startsWith(":")) {
        continue;
      }
      String[] lines = block.split("\n");
      events.add(new JsonObject()
        .put("event", lines[0].substring("event: ".length()))
        .put("data", new JsonObject(lines[1].substring("data: ".length()))));
    }
  }

  private static double openStreams() {
    String metrics = api.get("/metrics").bodyAsString();
    Matcher matcher = GAUGE.matcher(metrics);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
  }

  @Test
  void theFirstStatsEventArrivesAtOnceWithTheCounts() {
    api.server().seed(TestServer.numbers("512", 3));
    api.allocate("5125551234");

    Stream stream = open(RoleTokens.bearer("ann"));

    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.response().getHeader("Content-Type")).isEqualTo("text/event-stream");
    assertThat(stream.response().getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject stats = api.poll(() -> stream.find("stats", null), Optional::isPresent, Duration.ofSeconds(5))
      .orElseThrow();
    assertThat(stats.getJsonObject("numbers"))
      .isEqualTo(new JsonObject().put("total", 3).put("active", 3).put("reserved", 1).put("health", new JsonObject()
        .put("healthy", 3).put("resting", 0).put("probation", 0).put("retired", 0).put("flagged", 0)
        .put("rested_today", 0).put("flagged_today", 0)));
    assertThat(stats.getJsonObject("health"))
      .isEqualTo(new JsonObject().put("database", "up").put("redis", "up"));
    assertThat(stats.getJsonObject("outcomes_last_minute").fieldNames())
      .contains("ok", "unavailable", "rate_limited", "bad_request");
    assertThat(stats.containsKey("allocations_per_minute")).isTrue();
    assertThat(stats.containsKey("p50_ms")).isTrue();
    assertThat(stats.containsKey("p99_ms")).isTrue();
    assertThat(stats.getLong("dropped")).isZero();
    assertThat(stats.getString("at")).isNotBlank();
  }

  @Test
  void anAllocationAndItsReleaseShowUpAsEventsWithTheHoldTime() {
    api.server().seed(TestServer.numbers("512", 1));
    Stream stream = open(RoleTokens.bearer("ann"));
    api.poll(() -> stream.find("stats", null), Optional::isPresent, Duration.ofSeconds(5));

    HttpResponse<Buffer> allocated = api.nextCid("to", "9-1-713-555-1234", "campaign", "sales");
    String callerId = allocated.bodyAsJsonObject().getString("caller_id");
    api.release(callerId);

    JsonObject allocation = api.poll(() -> stream.find("allocation", callerId), Optional::isPresent,
      Duration.ofSeconds(5)).orElseThrow();
    assertThat(allocation.getString("area_code")).isEqualTo("713");
    assertThat(allocation.getString("campaign")).isEqualTo("sales");
    assertThat(allocation.getString("tier")).isEqualTo("state");
    assertThat(allocation.getString("pool")).isEqualTo("default");
    assertThat(allocation.getString("at")).isNotBlank();
    JsonObject release = api.poll(() -> stream.find("release", callerId), Optional::isPresent,
      Duration.ofSeconds(5)).orElseThrow();
    assertThat(release.getString("outcome")).isEqualTo("released");
    assertThat(release.getDouble("hold_seconds")).isBetween(0.0, 5.0);
    assertThat(release.getString("at")).isNotBlank();
  }

  /** A dashboard opened between calls is not empty: the stream starts with what this server did last, in order. */
  @Test
  void aNewStreamStartsWithTheLastEventsThisServerPublished() {
    api.server().seed(TestServer.numbers("512", 1));
    String callerId = api.allocate("5125551234");
    api.release(callerId);

    // Published with the allocators' next batch (every 100 ms), to every router: a stream opened meanwhile may not
    // start with them yet.
    List<JsonObject> backfill = api.poll(() -> {
      Stream stream = open(RoleTokens.bearer("ann"));
      api.poll(() -> stream.find("stats", null), Optional::isPresent, Duration.ofSeconds(5));
      stream.response().request().connection().close();
      return stream.backfill();
    }, events -> names(events).contains("release " + callerId), Duration.ofSeconds(5));

    assertThat(backfill).hasSizeLessThanOrEqualTo(200);
    // Each allocator publishes its own batches: a release may come before the allocation it ends.
    assertThat(names(backfill)).contains("allocation " + callerId, "release " + callerId)
      .allMatch(name -> name.startsWith("allocation ") || name.startsWith("release "));
  }

  private static List<String> names(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("event") + " " + e.getJsonObject("data").getString("caller_id"))
      .toList();
  }

  @Test
  void aBurstBeyondTheFeedBudgetIsDroppedAndCountedInTheNextStats() {
    int burst = 150;
    api.server().seed(TestServer.numbers("512", burst));
    Stream stream = open(RoleTokens.bearer("ann"));
    api.poll(() -> stream.find("stats", null), Optional::isPresent, Duration.ofSeconds(5));
    WebClient parallel = api.clientFrom("127.0.0.1");
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < burst; i++) {
      calls.add(parallel.get("/next-cid").addQueryParam("to", "5125551234").send());
    }
    Future.all(calls).await();
    // Under a loaded machine some answers may be late (503, taken back): only the answered ones are sure
    // to be in the feed.
    long answered = calls.stream().filter(call -> call.result().statusCode() == 200).count();

    long seen = api.poll(() -> feedEvents(stream) + dropped(stream), n -> n >= answered, Duration.ofSeconds(10));

    assertThat(seen).isGreaterThanOrEqualTo(answered);
    assertThat(dropped(stream)).isPositive();
  }

  private static long feedEvents(Stream stream) {
    return stream.events().stream().filter(e -> !e.getString("event").equals("stats")).count()
      - stream.backfill().size();
  }

  private static long dropped(Stream stream) {
    return stream.events().stream()
      .filter(e -> e.getString("event").equals("stats"))
      .mapToLong(e -> e.getJsonObject("data").getLong("dropped"))
      .sum();
  }

  @Test
  void aStreamWithoutATokenIs401() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/api/live").send().await();

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void closingTheConnectionEndsTheStreamOnTheServer() {
    Stream stream = open(RoleTokens.bearer("ann", "viewer"));
    assertThat(api.poll(LiveStreamTest::openStreams, n -> n == 1.0, Duration.ofSeconds(5))).isEqualTo(1.0);

    stream.response().request().connection().close().await();

    assertThat(api.poll(LiveStreamTest::openStreams, n -> n == 0.0, Duration.ofSeconds(5))).isEqualTo(0.0);
  }
}
