package io.cidrotator.dialer;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.cidrotator.inventory.InventoryClient;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /next-cid: the old tool's answer, local presence, LRU rotation, validation and every "none available". */
class NextCidTest {

  @RegisterExtension
  static final Api api = new Api();

  @BeforeEach
  void emptyInventory() {
    api.reset();
  }

  @Test
  void nextCidAnswersWithTheOldFieldsPlusTierReservationAndRepeat() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "campaign", "sales", "agent", "alice");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("success", "caller_id", "area_code", "carrier",
      "reserved_for", "destination", "agent", "campaign", "tier", "reservation", "repeat");
    String reservation = body.getString("reservation");
    assertThat(UUID.fromString(reservation).toString()).isEqualTo(reservation);
    assertThat(body.copy().put("reservation", "?")).isEqualTo(new JsonObject()
      .put("success", true)
      .put("caller_id", "5125550100")
      .put("area_code", "512")
      .put("carrier", "test-carrier")
      .put("reserved_for", 300)
      .put("destination", "5125551234")
      .put("agent", "alice")
      .put("campaign", "sales")
      .put("tier", "prefix")
      .put("reservation", "?")
      .put("repeat", false));
  }

  @Test
  void nextCidReservesTheNumberInRedisForTheReservationTtl() {
    api.server().seed(TestServer.numbers("512", 1));
    long before = System.currentTimeMillis();

    JsonObject body = api.nextCid("to", "5125551234", "campaign", "sales", "agent", "alice").bodyAsJsonObject();

    assertThat(api.reservedCount()).isEqualTo(1);
    long expiry = api.redis(Request.cmd(Command.ZSCORE).arg(Api.RESERVED).arg("5125550100")).toLong();
    assertThat(expiry).isBetween(before + 300_000, System.currentTimeMillis() + 300_000);
    Response live = api.redis(Request.cmd(Command.HMGET).arg(RedisKeys.number("5125550100"))
      .arg("rid").arg("rcampaign").arg("ragent").arg("rdest").arg("rtier"));
    assertThat(live.stream().map(Response::toString).toList())
      .containsExactly(body.getString("reservation"), "sales", "alice", "5125551234", "prefix");
  }

  @Test
  void nextCidPrefersANumberOfTheDestinationsAreaCode() {
    List<JsonObject> numbers = new ArrayList<>(TestServer.numbers("212", 2));
    numbers.addAll(TestServer.numbers("512", 1));
    api.server().seed(numbers);

    // Another exchange of 512 than the number's: its area code, not its town (NPA-NXX).
    JsonObject body = api.nextCid("to", "5127771234").bodyAsJsonObject();

    assertThat(body.getString("caller_id")).isEqualTo("5125550100");
    assertThat(body.getString("area_code")).isEqualTo("512");
    assertThat(body.getString("tier")).isEqualTo("area_code");
  }

  @Test
  void nextCidFallsBackToAnotherAreaCodeOfThePool() {
    api.server().seed(TestServer.numbers("212", 1));

    JsonObject body = api.nextCid("to", "5125551234").bodyAsJsonObject();

    assertThat(body.getString("caller_id")).isEqualTo("2125550100");
    assertThat(body.getString("area_code")).isEqualTo("212");
    assertThat(body.getString("tier")).isEqualTo("pool");
    assertThat(body.getString("destination")).isEqualTo("5125551234");
  }

  @Test
  void nextCidFallsBackToThePoolOnceEveryLocalNumberIsReserved() {
    List<JsonObject> numbers = new ArrayList<>(TestServer.numbers("212", 1));
    numbers.addAll(TestServer.numbers("512", 1));
    api.server().seed(numbers);

    JsonObject first = api.nextCid("to", "5125551234").bodyAsJsonObject();
    JsonObject second = api.nextCid("to", "5125551234").bodyAsJsonObject();

    assertThat(first.getString("caller_id")).isEqualTo("5125550100");
    assertThat(first.getString("tier")).isEqualTo("prefix");
    assertThat(second.getString("caller_id")).isEqualTo("2125550100");
    assertThat(second.getString("tier")).isEqualTo("pool");
  }

  @Test
  void nextCidHandsOutTheLeastRecentlyUsedNumberFirst() {
    api.server().seed(TestServer.numbers("512", 3));
    usedMinutesAgo("5125550100", 10);
    usedMinutesAgo("5125550101", 30);
    usedMinutesAgo("5125550102", 20);
    new InventoryClient(api.server().vertx, 10_000).reload().await();

    List<String> handedOut = List.of(api.allocate("5125551234"), api.allocate("5125551234"),
      api.allocate("5125551234"));

    assertThat(handedOut).containsExactly("5125550101", "5125550102", "5125550100");
  }

  @Test
  void nextCidKeepsAReleasedNumberInItsLeastRecentlyUsedPlace() {
    api.server().seed(TestServer.numbers("512", 3));
    List<String> handedOut = new ArrayList<>();

    for (int i = 0; i < 4; i++) {
      String callerId = api.allocate("5125551234");
      handedOut.add(callerId);
      assertThat(api.release(callerId).statusCode()).isEqualTo(200);
    }

    // Released at once, each number went back behind the ones not used since: a plain rotation.
    assertThat(handedOut).containsExactly("5125550100", "5125550101", "5125550102", "5125550100");
  }

  @Test
  void nextCidStripsTheVicidialDialPrefixAndCountryCode() {
    List<JsonObject> numbers = new ArrayList<>(TestServer.numbers("212", 1));
    numbers.addAll(TestServer.numbers("512", 1));
    api.server().seed(numbers);

    JsonObject body = api.nextCid("to", "915125551234", "campaign", "c1").bodyAsJsonObject();

    assertThat(body.getString("destination")).isEqualTo("5125551234");
    assertThat(body.getString("caller_id")).isEqualTo("5125550100");
    assertThat(body.getString("tier")).isEqualTo("prefix");
  }

  @Test
  void nextCidStripsThePunctuationOfAPlusOneNumber() {
    List<JsonObject> numbers = new ArrayList<>(TestServer.numbers("212", 1));
    numbers.addAll(TestServer.numbers("512", 1));
    api.server().seed(numbers);

    HttpResponse<Buffer> response = api.getRaw("/next-cid?to=%2B1%20(512)%20555-1234");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("destination")).isEqualTo("5125551234");
    assertThat(body.getString("caller_id")).isEqualTo("5125550100");
    assertThat(body.getString("tier")).isEqualTo("prefix");
  }

  @Test
  void nextCidServesTheOldDocsTestCall() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.getRaw("/next-cid?to=5555551234&campaign=test&agent=test");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("caller_id")).isEqualTo("5125550100");
    assertThat(body.getString("destination")).isEqualTo("5555551234");
    assertThat(body.getString("campaign")).isEqualTo("test");
    assertThat(body.getString("agent")).isEqualTo("test");
    assertThat(body.getString("tier")).isEqualTo("pool");
  }

  @Test
  void nextCidWithoutAgentAnswersWithANullAgent() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "campaign", "predictive");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.containsKey("agent")).isTrue();
    assertThat(body.getValue("agent")).isNull();
    assertThat(body.getString("campaign")).isEqualTo("predictive");
  }

  @Test
  void nextCidAcceptsAnAgentOfSixtyFourPrintableCharacters() {
    api.server().seed(TestServer.numbers("512", 1));
    String agent = "a".repeat(60) + "-_.9";

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "agent", agent);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("agent")).isEqualTo(agent);
  }

  @Test
  void nextCidReturns422NamingToWhenToIsMissing() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("campaign", "sales", "agent", "alice");

    assertDetail(response, 422, "to: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"123", "0125551234", "1125551234", "5121551234", "5120551234", "512555123",
    "51255512345", "abcdefghij", "512-555-12x4", "25125551234"})
  void nextCidReturns400NamingToForAnInvalidDestination(String to) {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", to, "agent", "alice");

    assertDetail(response, 400, "to: ");
  }

  @Test
  void nextCidReturns400NamingAgentForATooLongAgent() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "agent", "a".repeat(65));

    assertDetail(response, 400, "agent: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bob\u0007", "bob smith", "bob\tsmith", "b\u00f6b", "bob\u007f"})
  void nextCidReturns400NamingAgentForANonPrintableAgent(String agent) {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "agent", agent);

    assertDetail(response, 400, "agent: ");
  }

  @Test
  void nextCidReturns400NamingCampaignForATooLongCampaign() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "campaign", "c".repeat(65));

    assertDetail(response, 400, "campaign: ");
  }

  @Test
  void nextCidRejectedRequestsReserveNothing() {
    api.server().seed(TestServer.numbers("512", 1));

    assertThat(api.nextCid("agent", "alice").statusCode()).isEqualTo(422);
    assertThat(api.nextCid("to", "123", "agent", "alice").statusCode()).isEqualTo(400);
    assertThat(api.nextCid("to", "5125551234", "agent", "a".repeat(65)).statusCode()).isEqualTo(400);
    assertThat(api.nextCid("to", "5125551234", "agent", "alice", "format", "text", "campaign", "x y")
      .statusCode()).isEqualTo(400);

    assertThat(api.reservedCount()).isZero();
    assertThat(api.redis(Request.cmd(Command.HGET).arg(RedisKeys.number("5125550100")).arg("rid"))).isNull();
    assertThat(api.redisKeys(RedisKeys.rate("*", "*"))).isEmpty();
    assertThat(api.redis(Request.cmd(Command.HGET).arg(RedisKeys.number("5125550100")).arg("hc"))).isNull();
    assertThat(api.allocate("5125551234")).isEqualTo("5125550100");
  }

  @Test
  void nextCidReturns503WhenThePoolIsEmpty() {
    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "no caller-ID available: pool 'default' has no active numbers"));
  }

  @Test
  void nextCidReturns503WhenTheOnlyNumbersAreInactive() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("is_active", false)));

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("no active numbers");
  }

  @Test
  void nextCidReturns503WhenEveryNumberIsReserved() {
    api.server().seed(TestServer.numbers("512", 2));
    api.allocate("5125551234");
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "no caller-ID available: every number of pool 'default' is on a live call"));
    assertThat(api.reservedCount()).isEqualTo(2);
  }

  @Test
  void nextCidReturns503WhenEveryNumberIsAtItsHourlyCap() {
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100").put("hourly_limit", 1),
      new JsonObject().put("caller_id", "2125550100").put("hourly_limit", 1)));
    String first = api.allocate("5125551234");
    String second = api.allocate("5125551234");
    api.release(first);
    api.release(second);

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "no caller-ID available: every number of pool 'default' is at its hourly or daily cap"));
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void nextCidReturns503WhenEveryNumberIsAtItsDailyCap() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("daily_limit", 1)));
    api.release(api.allocate("5125551234"));

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("hourly or daily cap");
  }

  @Test
  void nextCidReturns503WhenEveryNumberIsReservedOrCapped() {
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100").put("hourly_limit", 1),
      new JsonObject().put("caller_id", "5125550101")));
    api.release(api.allocate("5125551234"));
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getString("detail"))
      .isEqualTo("no caller-ID available: every number of pool 'default' is on a live call or at its hourly or daily cap");
  }

  @Test
  void nextCidSkipsANumberAtItsHourlyCap() {
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100").put("hourly_limit", 1),
      new JsonObject().put("caller_id", "5125550101")));
    String capped = api.allocate("5125551234");
    String free = api.allocate("5125551234");
    api.release(capped);
    api.release(free);

    // The capped number is the least recently used: only its cap can explain skipping it.
    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(capped).isEqualTo("5125550100");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("caller_id")).isEqualTo(free);
    assertThat(api.isReserved(capped)).isFalse();
  }

  @Test
  void nextCidInTextFormatAnswersOnlyTheTenDigits() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", "915125551234", "agent", "alice", "format", "text");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(response.bodyAsString()).isEqualTo("5125550100");
    assertThat(api.isReserved("5125550100")).isTrue();
  }

  @Test
  void nextCidInTextFormatAnswers400WithAnEmptyBody() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("to", "5121551234", "format", "text");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body() == null ? "" : response.bodyAsString()).isEmpty();
  }

  @Test
  void nextCidInTextFormatAnswers422WithAnEmptyBody() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = api.nextCid("format", "text");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body() == null ? "" : response.bodyAsString()).isEmpty();
  }

  @Test
  void nextCidInTextFormatAnswers503WithAnEmptyBody() {
    api.server().seed(TestServer.numbers("512", 1));
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "format", "text");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body() == null ? "" : response.bodyAsString()).isEmpty();
  }

  @Test
  void nextCidAfterRedisLostItsDataAnswers503AndReloadsTheInventory() {
    api.server().seed(TestServer.numbers("512", 1));
    api.redis(Request.cmd(Command.FLUSHDB));

    HttpResponse<Buffer> first = api.nextCid("to", "5125551234");
    HttpResponse<Buffer> later = api.poll(() -> api.nextCid("to", "5125551234"),
      r -> r.statusCode() == 200, Duration.ofSeconds(5));

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(first.bodyAsJsonObject().getString("detail")).contains("being loaded");
    assertThat(later.statusCode()).isEqualTo(200);
    assertThat(later.bodyAsJsonObject().getString("caller_id")).isEqualTo("5125550100");
  }

  @Test
  void nextCidNeverHandsOutTheSameNumberTwiceToConcurrentRequests() {
    List<JsonObject> numbers = new ArrayList<>(TestServer.numbers("512", 10));
    numbers.addAll(TestServer.numbers("212", 10));
    api.server().seed(numbers);

    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(api.server().http.get("/next-cid").addQueryParam("to", "5125551234").send());
    }
    Future.join(calls).await();

    Set<String> handedOut = new HashSet<>();
    int unavailable = 0;
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> response = call.result();
      if (response.statusCode() == 200) {
        assertThat(handedOut.add(response.bodyAsJsonObject().getString("caller_id"))).isTrue();
      } else {
        assertThat(response.statusCode()).isEqualTo(503);
        unavailable++;
      }
    }
    assertThat(handedOut).hasSize(20);
    assertThat(unavailable).isEqualTo(20);
    assertThat(api.reservedCount()).isEqualTo(20);
  }

  private static void usedMinutesAgo(String callerId, int minutes) {
    api.rows("UPDATE caller_ids SET last_used = now() - make_interval(mins => $1) WHERE caller_id = $2",
      minutes, callerId);
  }

  private static void assertDetail(HttpResponse<Buffer> response, int status, String prefix) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactly("detail");
    assertThat(body.getString("detail")).startsWith(prefix);
  }
}
