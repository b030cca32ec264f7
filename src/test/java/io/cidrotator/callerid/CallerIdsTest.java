package io.cidrotator.callerid;

import io.cidrotator.TestServer;
import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CallerIdsTest {

  @RegisterExtension
  static final Api api = new Api(RoleTokens.serverSettings());

  @BeforeEach
  void emptyInventory() {
    api.reset();
  }

  // ---- create ----

  @Test
  void createStoresTheNumberAnswers201AndMakesItAllocatable() {
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/api/caller-ids", new JsonObject()
      .put("caller_id", "(512) 555-0100").put("carrier", "telnyx").put("hourly_limit", 10)
      .put("meta", new JsonObject().put("site", "austin")));

    assertThat(response.statusCode()).isEqualTo(201);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("caller_id")).isEqualTo("5125550100");
    assertThat(body.getString("area_code")).isEqualTo("512");
    assertThat(body.getString("carrier")).isEqualTo("telnyx");
    assertThat(body.getInteger("hourly_limit")).isEqualTo(10);
    assertThat(body.getValue("daily_limit")).isNull();
    assertThat(body.getBoolean("is_active")).isTrue();
    assertThat(body.getString("pool")).isEqualTo("default");
    assertThat(body.getJsonObject("meta")).isEqualTo(new JsonObject().put("site", "austin"));
    assertThat(api.allocate("5125559999")).isEqualTo("5125550100");
  }

  @Test
  void aNumberAssignedToPrefixesServesTheirDestinationsFirstAndCanBeUnassigned() {
    HttpResponse<Buffer> created = send(HttpMethod.POST, "/api/caller-ids", new JsonObject()
      .put("caller_id", "7735550100").put("prefixes", new JsonArray().add("3125").add("31").add("3125")));
    api.server().seed(TestServer.numbers("312", 1));

    JsonObject first = api.nextCid("to", "3125981234").bodyAsJsonObject();
    api.release("7735550100");
    HttpResponse<Buffer> patched = send(HttpMethod.PATCH, "/api/caller-ids/7735550100",
      new JsonObject().put("prefixes", "4155, 415"));
    JsonObject after = api.nextCid("to", "3125981234").bodyAsJsonObject();

    assertThat(created.bodyAsJsonObject().getJsonArray("prefixes")).containsExactly("3125", "31");
    assertThat(List.of(first.getString("caller_id"), first.getString("tier"))).containsExactly("7735550100", "prefix");
    assertThat(patched.bodyAsJsonObject().getJsonArray("prefixes")).containsExactly("4155", "415");
    assertThat(List.of(after.getString("caller_id"), after.getString("tier"))).containsExactly("3125550100",
      "area_code");
  }

  @Test
  void createOfAnExistingNumberReturns409() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = send(HttpMethod.POST, "/api/caller-ids",
      new JsonObject().put("caller_id", "5125550100"));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("5125550100", "already exists");
  }

  @Test
  void createInAnUnknownPoolReturns400NamingThePoolAndStoresNothing() {
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/api/caller-ids",
      new JsonObject().put("caller_id", "5125550100").put("pool", "nowhere"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("pool:");
    assertThat(api.rows("SELECT 1 FROM caller_ids")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"caller_id\": \"5125550100\", \"colour\": \"red\"}|colour:",
    "{\"caller_id\": \"1234\"}|caller_id:",
    "{\"caller_id\": 5125550100}|caller_id:",
    "{}|caller_id:",
    "{\"caller_id\": \"5125550100\", \"hourly_limit\": 0}|hourly_limit:",
    "{\"caller_id\": \"5125550100\", \"daily_limit\": \"ten\"}|daily_limit:",
    "{\"caller_id\": \"5125550100\", \"active\": \"yes\"}|active:",
    "{\"caller_id\": \"5125550100\", \"meta\": [1]}|meta:",
    "{\"caller_id\": \"5125550100\", \"pool\": \"a b\"}|pool:",
    "{\"caller_id\": \"5125550100\", \"area_code\": \"123\"}|area_code:",
    "{\"caller_id\": \"5125550100\", \"prefixes\": [\"1125\"]}|prefixes:",
    "{\"caller_id\": \"5125550100\", \"prefixes\": [\"3\"]}|prefixes:",
    "{\"caller_id\": \"5125550100\", \"prefixes\": [\"312555\"]}|prefixes:",
    "{\"caller_id\": \"5125550100\", \"prefixes\": [3125]}|prefixes:",
    "{\"caller_id\": \"5125550100\", \"prefixes\": 3125}|prefixes:",
    "{\"caller_id\": \"5125550100\", \"prefixes\": [\"21\",\"22\",\"23\",\"24\",\"25\",\"26\",\"27\",\"28\",\"29\",\"30\",\"31\",\"32\",\"33\",\"34\",\"35\",\"36\",\"37\",\"38\",\"39\",\"40\",\"41\"]}|prefixes:",
    "[1, 2]|body:",
    "{nope|body:"})
  void createWithBadInputReturns4xxNamingTheFieldAndStoresNothing(String testCase) {
    String[] parts = testCase.split("\\|");
    HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/api/caller-ids")
      .putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer(parts[0])).await();

    assertThat(response.statusCode()).isIn(400, 422);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith(parts[1]);
    assertThat(api.rows("SELECT 1 FROM caller_ids")).isEmpty();
  }

  // ---- read ----

  @Test
  void listPagesFiltersAndSorts() {
    api.server().seed(TestServer.numbers("512", 5));
    api.server().seed(TestServer.numbers("713", 3));

    JsonObject page = list("area_code", "512", "size", "2", "page", "2", "sort", "-caller_id");

    assertThat(page.getLong("total")).isEqualTo(5);
    assertThat(page.getInteger("page")).isEqualTo(2);
    assertThat(callerIds(page.getJsonArray("items"))).containsExactly("5125550102", "5125550101");
  }

  @Test
  void listSearchesTheNumberAndTheCarrierAndFiltersActive() {
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100").put("carrier", "Telnyx"),
      new JsonObject().put("caller_id", "5125550111").put("carrier", "bandwidth").put("is_active", false)));

    assertThat(callerIds(list("q", "telN").getJsonArray("items"))).containsExactly("5125550100");
    assertThat(callerIds(list("q", "0111").getJsonArray("items"))).containsExactly("5125550111");
    assertThat(callerIds(list("active", "false").getJsonArray("items"))).containsExactly("5125550111");
  }

  static Stream<String> sorts() {
    return CallerIdClient.SORTS.stream();
  }

  @ParameterizedTest
  @MethodSource("sorts")
  void everySortOrderWorks(String sort) {
    api.server().seed(TestServer.numbers("512", 3));

    assertThat(list("sort", sort).getJsonArray("items")).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"size=0|size:", "size=501|size:", "page=x|page:", "sort=colour|sort:",
    "active=maybe|active:", "area_code=12|area_code:", "colour=red|colour:"})
  void listWithBadParametersReturns400NamingIt(String testCase) {
    String[] parts = testCase.split("\\|");
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/caller-ids?" + parts[0]).send().await();

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith(parts[1]);
  }

  @Test
  void getShowsTheRowAndItsLiveReservation() {
    api.server().seed(TestServer.numbers("512", 1));
    api.nextCid("to", "5125559999", "campaign", "spring", "agent", "a7");

    JsonObject number = send(HttpMethod.GET, "/api/caller-ids/5125550100", null).bodyAsJsonObject();

    assertThat(number.getString("caller_id")).isEqualTo("5125550100");
    JsonObject live = number.getJsonObject("live");
    assertThat(live.getString("state")).isEqualTo("reserved");
    assertThat(live.getInteger("uses_this_hour")).isEqualTo(1);
    assertThat(live.getInteger("uses_today")).isEqualTo(1);
    assertThat(live.getInteger("hourly_limit")).isEqualTo(100);
    JsonObject reservation = live.getJsonObject("reservation");
    assertThat(reservation.getString("campaign")).isEqualTo("spring");
    assertThat(reservation.getString("agent")).isEqualTo("a7");
    assertThat(reservation.getString("destination")).isEqualTo("5125559999");
    assertThat(reservation.getString("tier")).isEqualTo("prefix");
    assertThat(reservation.getString("expires_at")).isNotNull();
  }

  @Test
  void getShowsWhereTheNumberIsAndNothingForATollFreeOne() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "6466721234"),
      new JsonObject().put("caller_id", "8005550100").put("area_code", "800")));

    JsonObject manhattan = send(HttpMethod.GET, "/api/caller-ids/6466721234", null).bodyAsJsonObject();
    JsonObject tollFree = send(HttpMethod.GET, "/api/caller-ids/8005550100", null).bodyAsJsonObject();

    assertThat(manhattan.getJsonObject("locality")).isEqualTo(new JsonObject()
      .put("town", "New York, NY").put("state", "NY").put("region", "US-NY").put("region_name", "New York")
      .put("zones", new JsonArray().add("America/New_York"))
      .put("overlay", new JsonArray(List.of("212", "332", "347", "646", "718", "917", "929"))));
    assertThat(tollFree.containsKey("locality")).isTrue();
    assertThat(tollFree.getValue("locality")).isNull();
  }

  @Test
  void getOfAnUnknownNumberReturns404() {
    HttpResponse<Buffer> response = send(HttpMethod.GET, "/api/caller-ids/5125550100", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("5125550100");
  }

  // ---- change ----

  @Test
  void patchChangesOnlyTheNamedFieldsAndANullLimitMeansTheDefault() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("hourly_limit", 5)
      .put("daily_limit", 50)));

    JsonObject updated = send(HttpMethod.PATCH, "/api/caller-ids/5125550100",
      new JsonObject().put("carrier", "bandwidth").putNull("hourly_limit")).bodyAsJsonObject();

    assertThat(updated.getString("carrier")).isEqualTo("bandwidth");
    assertThat(updated.getValue("hourly_limit")).isNull();
    assertThat(updated.getInteger("daily_limit")).isEqualTo(50);
    JsonObject live = send(HttpMethod.GET, "/api/caller-ids/5125550100", null).bodyAsJsonObject()
      .getJsonObject("live");
    assertThat(live.getInteger("hourly_limit")).isEqualTo(100);
    assertThat(live.getInteger("daily_limit")).isEqualTo(50);
  }

  @Test
  void patchWithNothingToChangeOrAnUnknownNumberIsRefused() {
    api.server().seed(TestServer.numbers("512", 1));

    assertThat(send(HttpMethod.PATCH, "/api/caller-ids/5125550100", new JsonObject()).statusCode())
      .isEqualTo(400);
    assertThat(send(HttpMethod.PATCH, "/api/caller-ids/5125550199", new JsonObject().put("active", false))
      .statusCode()).isEqualTo(404);
  }

  @Test
  void deactivatedNumberIsNeverHandedOutOnceTheAnswerArrived() {
    api.server().seed(TestServer.numbers("512", 2));

    HttpResponse<Buffer> response = send(HttpMethod.DELETE, "/api/caller-ids/5125550100", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getBoolean("is_active")).isFalse();
    assertThat(api.allocate("5125559999")).isEqualTo("5125550101");
    assertThat(api.nextCid("to", "5125559999").statusCode()).isEqualTo(503);
  }

  @Test
  void reactivatingANumberPutsItBackInRotation() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("is_active", false)));

    send(HttpMethod.PATCH, "/api/caller-ids/5125550100", new JsonObject().put("active", true));

    assertThat(api.allocate("5125559999")).isEqualTo("5125550100");
  }

  @Test
  void purgeDeletesTheRowAndTheRedisIndexEntry() {
    api.server().seed(TestServer.numbers("512", 1));

    HttpResponse<Buffer> response = send(HttpMethod.DELETE, "/api/caller-ids/5125550100?purge=true", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(api.rows("SELECT 1 FROM caller_ids")).isEmpty();
    assertThat(api.redisKeys(RedisKeys.number("5125550100"))).isEmpty();
    assertThat(api.nextCid("to", "5125559999").statusCode()).isEqualTo(503);
  }

  // ---- roles and audit ----

  @Test
  void aViewerCanReadButNotWrite() {
    api.server().seed(TestServer.numbers("512", 1));
    String viewer = RoleTokens.bearer("ops-lead");

    HttpResponse<Buffer> read = api.anonymous(HttpMethod.GET, "/api/caller-ids").putHeader("Authorization", viewer)
      .send().await();
    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> write = api.anonymous(HttpMethod.DELETE, "/api/caller-ids/5125550100")
      .putHeader("Authorization", viewer).send().await();
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(write.bodyAsJsonObject().getString("detail")).contains("viewer", "admin");
    assertThat(api.rows("SELECT is_active FROM caller_ids").get(0).getBoolean("is_active")).isTrue();
  }

  @Test
  void withoutCredentialsEveryCallerIdRouteAnswers401() {
    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST)) {
      assertThat(api.anonymous(method, "/api/caller-ids").send().await().statusCode()).isEqualTo(401);
    }
    assertThat(api.anonymous(HttpMethod.GET, "/api/audit").send().await().statusCode()).isEqualTo(401);
  }

  @Test
  void everyWriteIsAuditedWithWhoWhatBeforeAndAfter() {
    String admin = RoleTokens.bearer("maria", "admin");
    api.anonymous(HttpMethod.POST, "/api/caller-ids").putHeader("Authorization", admin)
      .sendJsonObject(new JsonObject().put("caller_id", "5125550100")).await();
    api.anonymous(HttpMethod.PATCH, "/api/caller-ids/5125550100").putHeader("Authorization", admin)
      .sendJsonObject(new JsonObject().put("carrier", "telnyx")).await();
    send(HttpMethod.DELETE, "/api/caller-ids/5125550100", null);

    List<Row> rows = api.rows("SELECT actor, role, action, target, before, after, remote FROM audit_log ORDER BY id");
    assertThat(rows).extracting(r -> r.getString("action"))
      .containsExactly("caller_id.create", "caller_id.update", "caller_id.deactivate");
    assertThat(rows).extracting(r -> r.getString("actor")).containsExactly("maria", "maria", "admin-token");
    assertThat(rows.get(1).getJsonObject("before").getValue("carrier")).isNull();
    assertThat(rows.get(1).getJsonObject("after").getString("carrier")).isEqualTo("telnyx");
    assertThat(rows.get(0).getString("remote")).isEqualTo("127.0.0.1");

    JsonObject page = send(HttpMethod.GET, "/api/audit?actor=maria&limit=1", null).bodyAsJsonObject();
    assertThat(page.getJsonArray("items")).hasSize(1);
    assertThat(page.getJsonArray("items").getJsonObject(0).getString("action")).isEqualTo("caller_id.update");
    JsonObject next = send(HttpMethod.GET, "/api/audit?actor=maria&before_id=" + page.getLong("next_before_id"),
      null).bodyAsJsonObject();
    assertThat(next.getJsonArray("items")).extracting(i -> ((JsonObject) i).getString("action"))
      .containsExactly("caller_id.create");
  }

  @Test
  void auditWithABadFilterReturns400() {
    assertThat(send(HttpMethod.GET, "/api/audit?since=yesterday", null).statusCode()).isEqualTo(400);
    assertThat(send(HttpMethod.GET, "/api/audit?before_id=-1", null).statusCode()).isEqualTo(400);
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String uri, JsonObject body) {
    return body == null
      ? api.admin(method, uri).send().await()
      : api.admin(method, uri).sendJsonObject(body).await();
  }

  private static JsonObject list(String... params) {
    StringBuilder uri = new StringBuilder("/api/caller-ids?");
    for (int i = 0; i < params.length; i += 2) {
      uri.append(params[i]).append('=').append(params[i + 1]).append('&');
    }
    HttpResponse<Buffer> response = send(HttpMethod.GET, uri.toString(), null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static List<String> callerIds(JsonArray items) {
    return items.stream().map(i -> ((JsonObject) i).getString("caller_id")).toList();
  }
}
