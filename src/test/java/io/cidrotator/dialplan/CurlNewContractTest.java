package io.cidrotator.dialplan;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parts of the dialer contract that issue 4 adds, through the curl tool as CurlContractTest: {@code format=kv}
 * for CURLOPT(hashcompat) + HASH(), and calls identified by VICIdial's call id ({@code callkey}, from
 * ${CALLERID(name)}) or Asterisk's ${UNIQUEID} ({@code uid}): a retry answers the same number and counts nothing
 * twice, and the hangup handler releases by the same key with the call's outcome.
 */
class CurlNewContractTest {

  /** V + MMDDhhmmss + the 10-digit lead_id: what VICIdial puts in CALLERID(name) of an auto-dialed call. */
  private static final String CALLKEY = "V1126093015000012345";
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  @RegisterExtension
  static final DialerServer dialer = new DialerServer(new JsonObject());

  private List<String> seeded;

  @BeforeEach
  void threeNumbers() {
    seeded = dialer.resetWithNumbers(3);
  }

  @Test
  void nextCidInKvFormatAnswersPairsThatHashReads() {
    Curl.Result result = Curl.get(dialer.url("/next-cid?to=915125551234&campaign=sales&format=kv"));

    assertThat(result.exit()).isZero();
    assertThat(result.status()).isEqualTo(200);
    assertThat(result.body()).startsWith("caller_id=").doesNotContain("\n", " ");
    Map<String, String> pairs = hashOf(result.body());
    assertThat(pairs.get("caller_id")).isIn(seeded);
    assertThat(pairs.get("reservation")).matches(UUID);
    assertThat(pairs).containsEntry("tier", "prefix").containsEntry("reserved_for", "300");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "400, /next-cid?to=12&format=kv",
    "422, /next-cid?campaign=sales&format=kv",
  })
  void nextCidInKvFormatFailsWithAnErrorAndNoCallerId(int status, String pathAndQuery) {
    Curl.Result result = Curl.get(dialer.url(pathAndQuery));

    assertThat(result.status()).isEqualTo(status);
    Map<String, String> pairs = hashOf(result.body());
    assertThat(pairs).doesNotContainKey("caller_id");
    assertThat(pairs.get("error")).isNotBlank();
  }

  @Test
  void nextCidInKvFormatWhenNothingIsAvailableIs503WithAnError() {
    for (int i = 0; i < seeded.size(); i++) {
      assertThat(Curl.get(dialer.url("/next-cid?to=5125551234&format=kv")).status()).isEqualTo(200);
    }

    Curl.Result result = Curl.get(dialer.url("/next-cid?to=5125551234&format=kv"));

    assertThat(result.status()).isEqualTo(503);
    assertThat(hashOf(result.body())).doesNotContainKey("caller_id").containsKey("error");
  }

  @Test
  void aRetryWithTheSameCallkeyAnswersTheSameNumberAndCountsItOnce() {
    String request = dialer.url("/next-cid?to=5125551234&campaign=sales&callkey=" + CALLKEY);

    JsonObject first = new JsonObject(Curl.get(request).body());
    JsonObject retry = new JsonObject(Curl.get(request).body());

    assertThat(retry.getString("caller_id")).isEqualTo(first.getString("caller_id"));
    assertThat(retry.getString("reservation")).isEqualTo(first.getString("reservation"));
    assertThat(usesThisHour(first.getString("caller_id"))).isEqualTo(1);
    assertThat(liveReservations()).isEqualTo(1);
  }

  @Test
  void aRetryWithTheSameUidAnswersTheSameNumberAndCountsItOnce() {
    String request = dialer.url("/next-cid?to=5125551234&uid=1764149415.4711&format=text");

    String first = Curl.get(request).body();
    String retry = Curl.get(request).body();

    assertThat(first).isIn(seeded);
    assertThat(retry).isEqualTo(first);
    assertThat(usesThisHour(first)).isEqualTo(1);
    assertThat(liveReservations()).isEqualTo(1);
  }

  @Test
  void twoCallsWithDifferentCallkeysGetDifferentNumbers() {
    String one = Curl.get(dialer.url("/next-cid?to=5125551234&format=text&callkey=V1126093015000012345")).body();
    String two = Curl.get(dialer.url("/next-cid?to=5125551234&format=text&callkey=V1126093016000012346")).body();

    assertThat(one).isIn(seeded);
    assertThat(two).isIn(seeded).isNotEqualTo(one);
  }

  @Test
  void releaseByCallkeyWithTheOutcomeEndsTheReservationOnce() {
    String callerId = Curl.get(dialer.url("/next-cid?to=5125551234&format=text&callkey=" + CALLKEY)).body();
    String release = dialer.url("/release?callkey=" + CALLKEY + "&dialstatus=ANSWER&answered=42&cause=16");

    Curl.Result first = Curl.get(release);
    Curl.Result again = Curl.get(release);

    assertThat(first.status()).isEqualTo(200);
    assertThat(new JsonObject(first.body()).getString("caller_id")).isEqualTo(callerId);
    assertThat(new JsonObject(first.body()).getBoolean("released")).isTrue();
    assertThat(again.status()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getBoolean("released")).isFalse();
    assertThat(liveReservations()).isZero();
  }

  @Test
  void releaseByUidOfACallThatWasNotAnsweredEndsItsReservation() {
    Curl.get(dialer.url("/next-cid?to=5125551234&format=text&uid=1764149415.4712"));

    Curl.Result result = Curl.get(dialer.url("/release?uid=1764149415.4712&dialstatus=NOANSWER&answered=&cause=19"));

    assertThat(result.status()).isEqualTo(200);
    assertThat(new JsonObject(result.body()).getBoolean("released")).isTrue();
    assertThat(liveReservations()).isZero();
  }

  @Test
  void releaseOfACallkeyTheServerNeverSawIs404NamingIt() {
    Curl.Result result = Curl.get(dialer.url("/release?callkey=V1126093015000099999&dialstatus=BUSY"));

    assertThat(result.status()).isEqualTo(404);
    assertThat(new JsonObject(result.body()).getString("detail")).contains("V1126093015000099999");
  }

  /** What CURLOPT(hashcompat)=yes makes of a body for HASH(): key=value pairs split on &amp;, URL-decoded. */
  private static Map<String, String> hashOf(String body) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      pairs.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return pairs;
  }

  private static long usesThisHour(String callerId) {
    JsonObject number = dialer.server().http.get("/api/caller-ids/" + callerId)
      .putHeader("Authorization", dialer.server().bearer())
      .send()
      .await()
      .bodyAsJsonObject();
    return number.getJsonObject("live").getLong("uses_this_hour");
  }

  private static long liveReservations() {
    return dialer.server().http.get("/api/reservations")
      .putHeader("Authorization", dialer.server().bearer())
      .send()
      .await()
      .bodyAsJsonObject()
      .getLong("total");
  }
}
