package io.cidrotator.dialplan;

import io.cidrotator.EmbeddedServices;
import io.cidrotator.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dialer contract as a dialplan sees it, through the curl tool (the libcurl behind Asterisk's CURL()) with
 * the 1 s timeouts docs/VICIDIAL.md tells operators to set: the JSON and text answers, every failure status with
 * an empty text body (Asterisk 13 takes any body for the caller-ID), the release, and what the dialplan sees
 * when the server is down, stalled, or has lost Redis: a curl failure or a 503 within the second, so the call
 * goes out with VICIdial's own caller-ID.
 */
class CurlContractTest {

  private static final String KEY = "dialplan-key-0123456789";
  private static final int AGENT_LIMIT = 2;
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  @RegisterExtension
  static final DialerServer dialer = new DialerServer(new JsonObject()
    .put("DIALER_KEYS", KEY)
    .put("ALLOWED_DIALER_IPS", "127.0.0.1")
    .put("DEFAULT_RATE_LIMIT_PER_AGENT", AGENT_LIMIT));

  private List<String> seeded;

  @BeforeEach
  void threeNumbers() {
    seeded = dialer.resetWithNumbers(3);
  }

  @Test
  void nextCidAnswersJsonWithTheReservationForVicidialsDialedString() {
    Curl.Result result = Curl.get(dialer.url("/next-cid?to=915125551234&campaign=sales&agent=1001"));

    assertThat(result.exit()).isZero();
    assertThat(result.status()).isEqualTo(200);
    JsonObject body = new JsonObject(result.body());
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("success", "caller_id", "area_code", "carrier",
      "reserved_for", "destination", "agent", "campaign", "tier", "reservation", "repeat");
    assertThat(body.getBoolean("success")).isTrue();
    assertThat(body.getString("caller_id")).isIn(seeded);
    assertThat(body.getString("area_code")).isEqualTo("512");
    assertThat(body.getInteger("reserved_for")).isEqualTo(300);
    assertThat(body.getString("destination")).isEqualTo("5125551234");
    assertThat(body.getString("agent")).isEqualTo("1001");
    assertThat(body.getString("campaign")).isEqualTo("sales");
    assertThat(body.getString("tier")).isEqualTo("prefix");
    assertThat(body.getString("reservation")).matches(UUID);
  }

  @Test
  void nextCidInTextFormatAnswersExactlyTenDigitsAndNothingElse() {
    Curl.Result result = Curl.get(dialer.url("/next-cid?to=915125551234&campaign=sales&format=text"));

    assertThat(result.exit()).isZero();
    assertThat(result.status()).isEqualTo(200);
    assertThat(result.body()).matches("[2-9][0-9]{9}").isIn(seeded);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "400, /next-cid?to=12&campaign=sales",
    "400, /next-cid?to=915125551234&campaign=two%20words",
    "422, /next-cid?campaign=sales",
  })
  void nextCidRefusesInvalidInputWithAnEmptyTextBodyOrAJsonDetail(int status, String pathAndQuery) {
    assertThat(refused(status, dialer.url(pathAndQuery))).isNotBlank();
  }

  @Test
  void nextCidWithoutTheDialerKeyIs401() {
    String withoutKey = "http://127.0.0.1:" + dialer.server().config.apiPort() + "/next-cid?to=5125551234";

    assertThat(refused(401, withoutKey)).contains("key");
  }

  @Test
  void nextCidFromAnAddressOutsideTheAllowlistIs403() {
    // Linux routes all of 127.0.0.0/8 to the loopback: 127.0.0.2 stands for a machine not in ALLOWED_DIALER_IPS.
    assertThat(refused(403, dialer.url("/next-cid?to=5125551234"), "--interface", "127.0.0.2")).isNotBlank();
  }

  @Test
  void nextCidForAnAgentOverItsLimitIs429() {
    awayFromMinuteEnd();
    for (int i = 0; i < AGENT_LIMIT; i++) {
      assertThat(Curl.get(dialer.url("/next-cid?to=5125551234&agent=1001&format=text")).status()).isEqualTo(200);
    }

    assertThat(refused(429, dialer.url("/next-cid?to=5125551234&agent=1001"))).contains("1001");
  }

  @Test
  void nextCidWhenEveryNumberIsOnALiveCallIs503() {
    for (int i = 0; i < seeded.size(); i++) {
      assertThat(Curl.get(dialer.url("/next-cid?to=5125551234&format=text")).status()).isEqualTo(200);
    }

    assertThat(refused(503, dialer.url("/next-cid?to=5125551234"))).contains("live call");
  }

  @Test
  void releaseEndsTheReservationOnceAndThenAnswersReleasedFalse() {
    String callerId = Curl.get(dialer.url("/next-cid?to=5125551234&format=text")).body();

    Curl.Result first = Curl.get(dialer.url("/release?caller_id=" + callerId));
    Curl.Result again = Curl.get(dialer.url("/release?caller_id=" + callerId));

    assertThat(first.status()).isEqualTo(200);
    assertThat(new JsonObject(first.body())).isEqualTo(new JsonObject()
      .put("success", true).put("caller_id", callerId).put("released", true));
    assertThat(again.status()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getBoolean("released")).isFalse();
  }

  @Test
  void releaseWithTheReservationIdEndsThatReservation() {
    JsonObject allocation = new JsonObject(Curl.get(dialer.url("/next-cid?to=5125551234")).body());

    Curl.Result result = Curl.get(dialer.url("/release?caller_id=" + allocation.getString("caller_id")
      + "&reservation=" + allocation.getString("reservation")));

    assertThat(result.status()).isEqualTo(200);
    assertThat(new JsonObject(result.body()).getBoolean("released")).isTrue();
  }

  /**
   * The recipes' hangup handler, pushed before the lookup: its release by the channel's UNIQUEID ends the
   * reservation made for the call, whatever the dialplan did with the answer (here: nothing, as when a parse fails).
   */
  @Test
  void theRecipesReleaseByUniqueIdEndsTheCallsReservationWhateverBecameOfTheAnswer() {
    Curl.Result lookup = Curl.get(dialer.url("/next-cid?to=5125551234&campaign=sales"
      + "&callkey=V1203143015000012345&uid=1733236215.77&format=text"));

    Curl.Result release = Curl.get(dialer.url("/release?uid=1733236215.77&dialstatus=ANSWER&answered=42&cause=16"));

    assertThat(lookup.status()).isEqualTo(200);
    assertThat(release.status()).isEqualTo(200);
    assertThat(new JsonObject(release.body())).isEqualTo(new JsonObject()
      .put("success", true).put("caller_id", lookup.body()).put("released", true));
  }

  /** A call that got no number (every one on a live call) sends its release all the same: a 404, nothing ended. */
  @Test
  void theReleaseOfACallThatGotNoNumberIs404AndEndsNothing() {
    for (int i = 0; i < seeded.size(); i++) {
      assertThat(Curl.get(dialer.url("/next-cid?to=5125551234&format=text&uid=1733236215." + i)).status())
        .isEqualTo(200);
    }
    assertThat(Curl.get(dialer.url("/next-cid?to=5125551234&format=text&uid=1733236215.99")).status())
      .isEqualTo(503);

    Curl.Result release = Curl.get(dialer.url("/release?uid=1733236215.99&dialstatus=ANSWER&answered=42&cause=16"));

    assertThat(release.status()).isEqualTo(404);
    assertThat(detailOf(release)).contains("1733236215.99");
    assertThat(refused(503, dialer.url("/next-cid?to=5125551234"))).contains("live call");
  }

  @Test
  void releaseOfANumberNotInTheInventoryIs404WithADetail() {
    Curl.Result result = Curl.get(dialer.url("/release?caller_id=7135550199"));

    assertThat(result.status()).isEqualTo(404);
    assertThat(detailOf(result)).contains("7135550199");
  }

  @Test
  void aServerThatIsNotListeningFailsCurlAtOnceWithExit7() {
    int closedPort = EmbeddedServices.freePort();

    Curl.Result result = Curl.get("http://127.0.0.1:" + closedPort + "/next-cid?to=5125551234&format=text");

    assertThat(result.exit()).isEqualTo(7);
    assertThat(result.status()).isZero();
    assertThat(result.body()).isEmpty();
    assertThat(result.elapsedMs()).isLessThan(1000);
  }

  @Test
  void aServerThatAcceptsButNeverAnswersTimesCurlOutAfterItsSecondWithExit28() throws IOException {
    // The kernel completes the TCP handshake for the backlog: the request is sent and never read.
    try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Curl.Result result = Curl.get("http://127.0.0.1:" + stalled.getLocalPort()
        + "/next-cid?to=5125551234&format=text");

      assertThat(result.exit()).isEqualTo(28);
      assertThat(result.body()).isEmpty();
      // Exit 28 says curl gave up by itself; the upper bound only leaves room for a busy machine's process start.
      assertThat(result.elapsedMs()).as("curl gives up at --max-time 1; the dialplan then dials")
        .isBetween(900L, 5000L);
    }
  }

  @Test
  void withRedisDownNextCidInTextFormatIsA503WithAnEmptyBodyWithinTheSecond() throws IOException {
    int redisPort = EmbeddedServices.freePort();
    RedisServer redis = EmbeddedServices.redisServer(redisPort, null);
    // REDIS_URL too: when the run points the shared services at an external Redis, that URL wins over REDIS_HOST.
    try (TestServer own = TestServer.start(new JsonObject()
      .put("REDIS_URL", "redis://127.0.0.1:" + redisPort + "/0")
      .put("REDIS_HOST", "127.0.0.1")
      .put("REDIS_PORT", redisPort))) {
      own.reset().seed(TestServer.numbers("512", 3));
      String url = "http://127.0.0.1:" + own.config.apiPort() + "/next-cid?to=5125551234&format=text";
      assertThat(Curl.get(url).status()).as("before the outage").isEqualTo(200);
      redis.stop();

      Curl.Result result = Curl.get(url);

      assertThat(result.exit()).as("answered before curl's 1 s limit").isZero();
      assertThat(result.status()).isEqualTo(503);
      assertThat(result.body()).isEmpty();
    } finally {
      redis.stop();
    }
  }

  /**
   * Asks {@code url} in text format, then in JSON: both refused with {@code status}, the text body empty (the
   * dialplan keeps VICIdial's caller-ID), the JSON one {@code {"detail"}}. Returns the detail.
   */
  private static String refused(int status, String url, String... curlOptions) {
    Curl.Result text = Curl.get(url + "&format=text", curlOptions);
    Curl.Result json = Curl.get(url, curlOptions);

    assertThat(text.exit()).isZero();
    assertThat(text.status()).isEqualTo(status);
    assertThat(text.body()).isEmpty();
    assertThat(json.status()).isEqualTo(status);
    return detailOf(json);
  }

  private static String detailOf(Curl.Result result) {
    JsonObject body = new JsonObject(result.body());
    assertThat(body.fieldNames()).as(result.body()).containsExactly("detail");
    return body.getString("detail");
  }

  /** The agent limit counts per clock minute: keeps a short burst inside one minute. */
  private static void awayFromMinuteEnd() {
    long msLeft = 60_000L - System.currentTimeMillis() % 60_000L;
    if (msLeft < 3000) {
      dialer.server().vertx.timer(msLeft + 20).await();
    }
  }
}
