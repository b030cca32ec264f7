package io.cidrotator.agi;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.cidrotator.agi.ScriptedAsterisk.Channel;
import io.cidrotator.agi.ScriptedAsterisk.Transcript;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The FastAGI listener against sessions scripted like Asterisk's, over real sockets, on a real server.
 * Timeouts are generous here (a loaded build machine must not fail a success path); the session timeout has
 * its own test class.
 */
class AgiVerticleTest {

  private static final String RESERVED = RedisKeys.reserved("default");
  private static final String UUID = "[0-9a-f-]{36}";

  @RegisterExtension
  static final AgiServer AGI = new AgiServer(new JsonObject()
    .put("AGI_SESSION_TIMEOUT_MS", 20_000)
    .put("ALLOCATION_TIMEOUT_MS", 10_000)
    .put("DEFAULT_RESERVATION_TTL", 3600));

  private final TestServer server = AGI.server();
  private final ScriptedAsterisk asterisk = AGI.asterisk();

  @BeforeEach
  void reset() {
    server.reset().seed(concat(TestServer.numbers("512", 3), TestServer.numbers("737", 3)));
  }

  @Test
  void nextCidSetsTheNumberAndTheReservationOnTheChannelAndNeverTheCallerIdName() {
    Channel channel = new Channel(1, "next-cid?campaign=sales");

    Transcript transcript = asterisk.run(channel).await();

    String callerId = channel.variables.get("CALLERID(num)");
    assertThat(callerId).as("VICIdial dials 9 + 1 + 5125551234: a 512 number").matches("512555010[0-2]");
    assertThat(transcript.commands()).hasSize(4);
    assertThat(transcript.commands().get(0)).matches("SET VARIABLE CIDROTATOR_RESERVATION \"" + UUID + "\"");
    assertThat(transcript.commands().subList(1, 4)).containsExactly(
      "SET VARIABLE CIDROTATOR_CALLERID \"" + callerId + "\"",
      "SET VARIABLE CALLERID(num) \"" + callerId + "\"",
      "SET VARIABLE CIDROTATOR_STATUS \"OK\"");
    assertThat(transcript.commands()).noneMatch(command -> command.contains("CALLERID(name)"));
    assertThat(reservations()).singleElement().satisfies(reservation -> {
      assertThat(reservation.getString("caller_id")).isEqualTo(callerId);
      assertThat(reservation.getString("reservation")).isEqualTo(channel.variables.get("CIDROTATOR_RESERVATION"));
      assertThat(reservation.getString("campaign")).isEqualTo("sales");
      assertThat(reservation.getString("destination")).isEqualTo("5125551234");
    });
  }

  @Test
  void argumentsGiveTheDestinationCampaignAndAgentOverTheExtensionAndTheQueryString() {
    Channel channel = new Channel(2, "next-cid?campaign=sales&agent=1001")
      .env("arg_1", "7375550000")
      .env("arg_2", "retention")
      .env("arg_3", "2002");

    asterisk.run(channel).await();

    assertThat(channel.variables).containsEntry("CIDROTATOR_STATUS", "OK");
    assertThat(channel.variables.get("CALLERID(num)")).startsWith("737");
    assertThat(reservations()).singleElement().satisfies(reservation -> {
      assertThat(reservation.getString("campaign")).isEqualTo("retention");
      assertThat(reservation.getString("agent")).isEqualTo("2002");
      assertThat(reservation.getString("destination")).isEqualTo("7375550000");
    });
  }

  @Test
  void anInvalidDestinationFailsWithoutTouchingTheCallerId() {
    Transcript transcript = asterisk.run(new Channel(3, "next-cid").env("extension", "12345")).await();

    assertThat(transcript.commands()).containsExactlyElementsOf(failed("bad_request"));
    assertThat(reservedCount()).isZero();
  }

  @Test
  void nothingAvailableFailsWithoutTouchingTheCallerId() {
    server.reset();

    Transcript transcript = asterisk.run(new Channel(4, "next-cid")).await();

    assertThat(transcript.commands()).containsExactlyElementsOf(failed("unavailable"));
  }

  /** The channel dials 512 (America/Chicago); the window leaves its present local hour out. */
  @Test
  void outsideThePoolsCallingWindowFailsWithItsReasonAndReservesNothing() {
    int now = java.time.LocalTime.now(java.time.ZoneId.of("America/Chicago")).toSecondOfDay() / 60;
    String window = now >= 120 ? "00:00-01:00" : "22:00-23:00";
    assertThat(server.http.patch("/api/pools/default").putHeader("Authorization", server.bearer())
      .sendJsonObject(new JsonObject().put("calling_window", window)).await().statusCode()).isEqualTo(200);

    Transcript transcript = asterisk.run(new Channel(4, "next-cid")).await();

    assertThat(transcript.commands()).containsExactlyElementsOf(failed("outside_calling_window"));
    assertThat(reservations()).isEmpty();
  }

  @Test
  void anUnknownScriptFailsWithoutTouchingTheCallerId() {
    Transcript transcript = asterisk.run(new Channel(5, "next-did?campaign=sales")).await();

    assertThat(transcript.commands()).containsExactlyElementsOf(failed("unknown_script"));
    assertThat(reservedCount()).isZero();
  }

  @Test
  void hangupLinesBeforeTheAnswersAreSkipped() {
    Channel channel = new Channel(6, "next-cid").hangupFirst();

    Transcript transcript = asterisk.run(channel).await();

    assertThat(transcript.commands()).hasSize(4);
    assertThat(channel.variables).containsEntry("CIDROTATOR_STATUS", "OK");
  }

  @Test
  void aCommandAsteriskRefusesEndsTheSessionAndTheUnusedNumberIsReleased() {
    Channel channel = new Channel(7, "next-cid").refuse("SET VARIABLE CIDROTATOR_RESERVATION");

    Transcript transcript = asterisk.run(channel).await();

    assertThat(transcript.commands()).singleElement().asString().startsWith("SET VARIABLE CIDROTATOR_RESERVATION");
    assertThat(channel.variables).doesNotContainKeys("CALLERID(num)", "CIDROTATOR_STATUS");
    assertThat(Poll.last(server.vertx, Duration.ofSeconds(5), this::reservedCount, n -> n == 0))
      .as("live reservations").isZero();
  }

  @Test
  void releaseInAHangupHandlerEndsTheReservation() {
    Channel channel = new Channel(8, "next-cid");
    asterisk.run(channel).await();
    assertThat(reservedCount()).isOne();
    channel.variables.putAll(Map.of("DIALSTATUS", "ANSWER", "ANSWEREDTIME", "42", "HANGUPCAUSE", "16"));

    Transcript transcript = asterisk.run(channel.script("release")).await();

    assertThat(transcript.commands()).containsExactly(
      "GET VARIABLE CIDROTATOR_CALLERID",
      "GET VARIABLE CIDROTATOR_RESERVATION",
      "GET VARIABLE DIALSTATUS",
      "GET VARIABLE ANSWEREDTIME",
      "GET VARIABLE HANGUPCAUSE",
      "SET VARIABLE CIDROTATOR_STATUS \"OK\"");
    assertThat(reservedCount()).isZero();
  }

  @Test
  void aReleaseThatOnlyKnowsTheCallIdEndsThatCallsReservation() {
    asterisk.run(new Channel(14, "next-cid")).await();
    assertThat(reservedCount()).isOne();
    // Another channel of the same call (a Local channel's other half): the call id and unique id, no variables.
    Channel hangupSide = new Channel(14, "release");

    asterisk.run(hangupSide).await();

    assertThat(hangupSide.variables).containsEntry("CIDROTATOR_STATUS", "OK");
    assertThat(reservedCount()).isZero();
  }

  @Test
  void aCallIdWithALetterForItsMonthKeysRetriesAndReleasesAsOverHttp() {
    // VICIdial writes the month in one character, October to December as a letter (B: November). Before the one
    // dialer-request model, FastAGI took only digits there: the call lost its retry de-duplication and its
    // release by call id.
    String callId = "VB260930150000012345";
    Channel first = new Channel(21, "next-cid").env("calleridname", callId);
    asterisk.run(first).await();
    // The same call again on another channel (another unique id): a retry, answered with the same number.
    Channel retry = new Channel(22, "next-cid").env("calleridname", callId);
    asterisk.run(retry).await();
    assertThat(retry.variables.get("CALLERID(num)")).isEqualTo(first.variables.get("CALLERID(num)"));
    assertThat(retry.variables.get("CIDROTATOR_RESERVATION")).isEqualTo(first.variables.get("CIDROTATOR_RESERVATION"));
    assertThat(reservedCount()).isOne();
    // A hangup side that knows only the call id (a third unique id, no variables) ends that call's reservation.
    Channel hangupSide = new Channel(23, "release").env("calleridname", callId);

    asterisk.run(hangupSide).await();

    assertThat(hangupSide.variables).containsEntry("CIDROTATOR_STATUS", "OK");
    assertThat(reservedCount()).isZero();
  }

  @Test
  void aLateReleaseOfAnEarlierCallLeavesTheNextCallsReservationAlone() {
    server.reset().seed(TestServer.numbers("512", 1));
    Channel first = new Channel(12, "next-cid");
    asterisk.run(first).await();
    asterisk.run(first.script("release")).await();
    Channel second = new Channel(13, "next-cid");
    asterisk.run(second).await();
    assertThat(second.variables.get("CALLERID(num)")).isEqualTo(first.variables.get("CALLERID(num)"));

    asterisk.run(first).await();

    assertThat(first.variables).containsEntry("CIDROTATOR_STATUS", "OK");
    assertThat(reservations()).singleElement()
      .satisfies(reservation -> assertThat(reservation.getString("reservation"))
        .isEqualTo(second.variables.get("CIDROTATOR_RESERVATION")));
  }

  @Test
  void releaseOfANumberOutsideTheInventoryFails() {
    Channel channel = new Channel(9, "release");
    channel.variables.put("CIDROTATOR_CALLERID", "2145550000");

    asterisk.run(channel).await();

    assertThat(channel.variables)
      .containsEntry("CIDROTATOR_STATUS", "FAILED")
      .containsEntry("CIDROTATOR_REASON", "not_found");
  }

  @Test
  void garbageClosesTheSessionWithoutACommandWhileAConcurrentSessionGetsItsNumber() {
    byte[] binary = new byte[4096];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    Buffer hugeLine = Buffer.buffer("agi_network: yes\nagi_extension: " + "5".repeat(100_000) + "\n\n");
    Buffer tenThousandLines = Buffer.buffer("agi_arg_1: 5125551234\n".repeat(10_000) + "\n");
    Buffer notAgi = Buffer.buffer("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    for (Buffer garbage : List.of(Buffer.buffer(binary), hugeLine, tenThousandLines, notAgi)) {
      Future<Transcript> bad = asterisk.raw(garbage);
      Channel good = new Channel(10, "next-cid");
      Future<Transcript> goodSession = asterisk.run(good);

      Transcript refused = bad.await();
      assertThat(refused.commands()).isEmpty();
      assertThat(refused.elapsedMs()).as("closed at once, not by the 20 s session timeout").isLessThan(10_000);
      goodSession.await();
      assertThat(good.variables).containsEntry("CIDROTATOR_STATUS", "OK");
      server.reset().seed(TestServer.numbers("512", 1));
    }
  }

  @Test
  void fiveHundredConcurrentSessionsGetFiveHundredDifferentNumbersAndReleaseThemAll() {
    int calls = 500;
    server.reset().seed(concat(TestServer.numbers("512", 250), TestServer.numbers("737", 250)));
    List<Channel> channels = new ArrayList<>();
    for (int n = 0; n < calls; n++) {
      channels.add(new Channel(n, "next-cid?campaign=burst").env("extension", n % 2 == 0 ? "915125551234" : "17375550000"));
    }

    Future.all(channels.stream().map(asterisk::run).toList()).await();

    assertThat(channels).allSatisfy(channel -> assertThat(channel.variables).containsEntry("CIDROTATOR_STATUS", "OK"));
    assertThat(channels.stream().map(channel -> channel.variables.get("CALLERID(num)")).collect(Collectors.toSet()))
      .as("every number handed out exactly once")
      .hasSize(calls);
    assertThat(reservedCount()).isEqualTo(calls);

    Future.all(channels.stream().map(channel -> asterisk.run(channel.script("release"))).toList()).await();

    assertThat(channels).allSatisfy(channel -> assertThat(channel.variables).containsEntry("CIDROTATOR_STATUS", "OK"));
    assertThat(reservedCount()).isZero();
  }

  @Test
  void sessionsAreCountedByScriptAndOutcome() {
    asterisk.run(new Channel(11, "next-cid")).await();

    String metrics = server.http.get("/metrics").send().await().bodyAsString();

    assertThat(metrics).containsPattern("cidrotator_agi_sessions_total\\{outcome=\"ok\",script=\"next-cid\"} [1-9]");
  }

  /** What a failed session sends: the status and the reason, nothing else (CALLERID stays as it was). */
  static List<String> failed(String reason) {
    return List.of("SET VARIABLE CIDROTATOR_STATUS \"FAILED\"", "SET VARIABLE CIDROTATOR_REASON \"" + reason + "\"");
  }

  private List<JsonObject> reservations() {
    JsonObject body = server.http.get("/api/reservations")
      .putHeader("Authorization", server.bearer())
      .send()
      .await()
      .bodyAsJsonObject();
    JsonArray items = body.getJsonArray("items");
    return items.stream().map(JsonObject.class::cast).toList();
  }

  private long reservedCount() {
    return server.redis.send(Request.cmd(Command.ZCARD).arg(RESERVED)).await().toLong();
  }


  private static List<JsonObject> concat(List<JsonObject> a, List<JsonObject> b) {
    List<JsonObject> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
