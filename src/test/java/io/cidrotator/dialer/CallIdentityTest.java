package io.cidrotator.dialer;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identified calls (issue 4): a retry with the same VICIdial call id (callkey) or Asterisk UNIQUEID (uid)
 * gets the same number and counts nothing twice; a release names the call by its key and reports how it
 * ended; the history keeps the call's identity and outcome.
 */
class CallIdentityTest {

  private static final String CALLKEY = "V1260930150000012345";
  private static final Duration FLUSH_DEADLINE = Duration.ofSeconds(5);

  @RegisterExtension
  static final Api api = new Api();

  @BeforeEach
  void emptyInventoryAndHistory() {
    api.reset();
  }

  @Test
  void aRetryWithTheSameCallkeyGetsTheSameNumberAndCountsOnce() {
    api.server().seed(TestServer.numbers("512", 3));

    JsonObject first = api.nextCid("to", "5125559999", "callkey", CALLKEY).bodyAsJsonObject();
    JsonObject retry = api.nextCid("to", "5125559999", "callkey", CALLKEY).bodyAsJsonObject();

    assertThat(retry.getString("caller_id")).isEqualTo(first.getString("caller_id"));
    assertThat(retry.getString("reservation")).isEqualTo(first.getString("reservation"));
    assertThat(first.getBoolean("repeat")).isFalse();
    assertThat(retry.getBoolean("repeat")).isTrue();
    assertThat(retry.getInteger("reserved_for")).isBetween(298, 300);
    assertThat(usesThisHour(first.getString("caller_id"))).isEqualTo(1);
    assertThat(api.reservedCount()).isEqualTo(1);
  }

  @Test
  void aRetryWithTheSameUidGetsTheSameNumber() {
    api.server().seed(TestServer.numbers("512", 3));

    String first = api.nextCid("to", "5125559999", "uid", "1732612345.123").bodyAsJsonObject().getString("caller_id");
    String retry = api.nextCid("to", "5125559999", "uid", "1732612345.123").bodyAsJsonObject().getString("caller_id");
    String other = api.nextCid("to", "5125559999", "uid", "1732612345.124").bodyAsJsonObject().getString("caller_id");

    assertThat(retry).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void fiftyConcurrentRequestsOfOneCallYieldOneReservationAndOneCount() {
    api.server().seed(TestServer.numbers("512", 60));

    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      requests.add(api.server().http.get("/next-cid").addQueryParam("to", "5125559999")
        .addQueryParam("callkey", CALLKEY).send());
    }
    Future.all(requests).await();

    Set<String> numbers = requests.stream()
      .map(r -> r.result())
      .peek(r -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200))
      .map(r -> r.bodyAsJsonObject().getString("caller_id"))
      .collect(Collectors.toSet());
    assertThat(numbers).hasSize(1);
    assertThat(api.reservedCount()).isEqualTo(1);
    assertThat(usesThisHour(numbers.iterator().next())).isEqualTo(1);
    api.awaitHistoryWritten();
    List<Row> rows = api.rows("SELECT call_key FROM allocations");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString("call_key")).isEqualTo(CALLKEY);
  }

  @Test
  void releaseByCallkeyRecordsHowTheCallEndedAndWhoTheCallWas() {
    api.server().seed(TestServer.numbers("512", 1));
    api.nextCid("to", "5125559999", "callkey", CALLKEY, "uid", "1732612345.123");

    HttpResponse<Buffer> release = api.get("/release", "callkey", CALLKEY,
      "dialstatus", "ANSWER", "answered", "37", "cause", "16");

    assertThat(release.statusCode()).isEqualTo(200);
    assertThat(release.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("success", true).put("caller_id", "5125550100").put("released", true));
    assertThat(api.reservedCount()).isZero();
    Row row = api.poll(() -> api.rows("SELECT * FROM allocations"),
      r -> r.size() == 1 && r.get(0).getValue("released_at") != null, FLUSH_DEADLINE).get(0);
    assertThat(row.getString("call_key")).isEqualTo(CALLKEY);
    assertThat(row.getString("uid")).isEqualTo("1732612345.123");
    assertThat(row.getString("call_type")).isEqualTo("auto");
    assertThat(row.getLong("lead_id")).isEqualTo(12345L);
    assertThat(row.getString("outcome")).isEqualTo("released");
    assertThat(row.getString("dial_status")).isEqualTo("ANSWER");
    assertThat(row.getInteger("answered_seconds")).isEqualTo(37);
    assertThat(row.getInteger("hangup_cause")).isEqualTo(16);
  }

  @Test
  void aManualDialsCallIdIsDecodedAsManual() {
    api.server().seed(TestServer.numbers("512", 1));

    api.nextCid("to", "5125559999", "callkey", "M1260930150000000042");

    Row row = api.poll(() -> api.rows("SELECT call_type, lead_id FROM allocations"), r -> !r.isEmpty(),
      FLUSH_DEADLINE).get(0);
    assertThat(row.getString("call_type")).isEqualTo("manual");
    assertThat(row.getLong("lead_id")).isEqualTo(42L);
  }

  @Test
  void releaseByUidWorksAndASecondReleaseIsIdempotent() {
    api.server().seed(TestServer.numbers("512", 1));
    api.nextCid("to", "5125559999", "uid", "1732612345.9");

    HttpResponse<Buffer> first = api.get("/release", "uid", "1732612345.9");
    HttpResponse<Buffer> second = api.get("/release", "uid", "1732612345.9");

    assertThat(first.bodyAsJsonObject().getBoolean("released")).isTrue();
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.bodyAsJsonObject().getBoolean("released")).isFalse();
    assertThat(second.bodyAsJsonObject().getString("caller_id")).isEqualTo("5125550100");
  }

  @Test
  void aReleasedCallThatIsDialedAgainGetsANewReservation() {
    api.server().seed(TestServer.numbers("512", 2));
    JsonObject first = api.nextCid("to", "5125559999", "callkey", CALLKEY).bodyAsJsonObject();
    api.get("/release", "callkey", CALLKEY);

    JsonObject again = api.nextCid("to", "5125559999", "callkey", CALLKEY).bodyAsJsonObject();

    assertThat(again.getBoolean("repeat")).isFalse();
    assertThat(again.getString("reservation")).isNotEqualTo(first.getString("reservation"));
  }

  @Test
  void releaseOfAnUnknownCallkeyIs404NamingIt() {
    HttpResponse<Buffer> response = api.get("/release", "callkey", "V1260930150000099999");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("V1260930150000099999");
  }

  @Test
  void unsetChannelVariablesExpandToEmptyValuesAndAreAccepted() {
    api.server().seed(TestServer.numbers("512", 1));
    api.nextCid("to", "5125559999", "callkey", CALLKEY);

    HttpResponse<Buffer> response = api.get("/release", "callkey", CALLKEY,
      "dialstatus", "", "answered", "", "cause", "");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dialstatus=answer|dialstatus:", "answered=-1|answered:", "answered=x|answered:",
    "cause=128|cause:", "uid=has%20space|uid:"})
  void releaseWithABadOutcomeIs400NamingTheParameter(String testCase) {
    String[] parts = testCase.split("\\|");
    HttpResponse<Buffer> response = api.getRaw("/release?caller_id=5125550100&" + parts[0]);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith(parts[1]);
  }

  @Test
  void aCallkeyThatIsNoVicidialCallIdIsIgnoredSoTwoCallsFromOnePhoneStayTwo() {
    api.server().seed(TestServer.numbers("512", 2));

    String first = api.getRaw("/next-cid?to=5125559999&callkey=John%20Smith").bodyAsJsonObject()
      .getString("caller_id");
    HttpResponse<Buffer> second = api.getRaw("/next-cid?to=5125559999&callkey=John%20Smith");

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.bodyAsJsonObject().getString("caller_id")).isNotEqualTo(first);
    assertThat(second.bodyAsJsonObject().getBoolean("repeat")).isFalse();
  }

  @Test
  void releaseWithoutAnyWayToNameTheCallIs422() {
    HttpResponse<Buffer> response = api.get("/release", "dialstatus", "ANSWER");

    assertThat(response.statusCode()).isEqualTo(422);
  }

  // ---- formats ----

  @Test
  void kvFormatAnswersNameValuePairsForHashcompat() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", "915125559999", "format", "kv");

    assertThat(response.statusCode()).isEqualTo(200);
    String body = response.bodyAsString();
    assertThat(body).startsWith("caller_id=5125550100&reservation=")
      .contains("&tier=prefix&reserved_for=300&area_code=512");
  }

  @Test
  void kvFormatFailureKeepsItsStatusAndHasNoCallerId() {
    HttpResponse<Buffer> response = api.nextCid("to", "5125559999", "format", "kv");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsString()).startsWith("error=unavailable&detail=").doesNotContain("caller_id");
  }

  @Test
  void kvAndTextFormatsOfRelease() {
    api.server().seed(TestServer.numbers("512", 1));
    api.nextCid("to", "5125559999", "callkey", CALLKEY);

    HttpResponse<Buffer> kv = api.get("/release", "callkey", CALLKEY, "format", "kv");
    HttpResponse<Buffer> text = api.get("/release", "callkey", CALLKEY, "format", "text");
    HttpResponse<Buffer> unknown = api.get("/release", "callkey", "V0000000000000000001", "format", "text");

    assertThat(kv.bodyAsString()).isEqualTo("released=1&caller_id=5125550100");
    assertThat(text.bodyAsString()).isEqualTo("0");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body() == null ? "" : unknown.bodyAsString()).isEmpty();
  }

  @Test
  void anUnknownFormatIs400() {
    HttpResponse<Buffer> response = api.nextCid("to", "5125559999", "format", "xml");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("format:");
  }

  private static int usesThisHour(String callerId) {
    return api.admin(HttpMethod.GET, "/api/caller-ids/" + callerId).send().await().bodyAsJsonObject()
      .getJsonObject("live").getInteger("uses_this_hour");
  }
}
