package io.cidrotator.allocation;

import io.cidrotator.TestServer;
import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.cidrotator.pool.PoolFixtures;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.http.Rejections.assertDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/reservations (live, paged, filtered) and DELETE /api/reservations?campaign= (release them all). */
class ReservationsTest {

  @RegisterExtension
  static final Api api = new Api(RoleTokens.serverSettings());

  @BeforeEach
  void twoPools() {
    api.reset();
    PoolFixtures.createPool(api, "east", 60);
    PoolFixtures.mapCampaign(api, "sales", "east");
    List<JsonObject> numbers = new ArrayList<>(TestServer.numbers("512", 3));
    numbers.add(new JsonObject().put("caller_id", "2125550200").put("pool", "east"));
    api.server().seed(numbers);
  }

  @Test
  void listAnswersEveryLiveReservationSoonestExpiryFirst() {
    Instant before = Instant.now().minusMillis(1);
    JsonObject dialer = api.nextCid("to", "5125551234", "campaign", "dialer", "agent", "1001").bodyAsJsonObject();
    JsonObject sales = api.nextCid("to", "5125559876", "campaign", "sales").bodyAsJsonObject();

    HttpResponse<Buffer> response = list();

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(List.of(body.getLong("total"), body.getInteger("page"), body.getInteger("size")))
      .containsExactly(2L, 1, 50);
    JsonArray items = body.getJsonArray("items");
    JsonObject first = items.getJsonObject(0);
    assertThat(first.copy().put("reserved_at", "?").put("expires_at", "?")).isEqualTo(new JsonObject()
      .put("caller_id", "2125550200")
      .put("pool", "east")
      .put("reservation", sales.getString("reservation"))
      .put("campaign", "sales")
      .putNull("agent")
      .put("destination", "5125559876")
      .put("reserved_at", "?")
      .put("expires_at", "?")
      .put("tier", "pool"));
    Instant reservedAt = Instant.parse(first.getString("reserved_at"));
    assertThat(reservedAt).isAfter(before);
    assertThat(Instant.parse(first.getString("expires_at"))).isEqualTo(reservedAt.plusSeconds(60));
    JsonObject second = items.getJsonObject(1);
    assertThat(List.of(second.getString("caller_id"), second.getString("campaign"), second.getString("agent"),
      second.getString("pool"), second.getString("reservation")))
      .containsExactly(dialer.getString("caller_id"), "dialer", "1001", "default", dialer.getString("reservation"));
    assertThat(Duration.between(Instant.parse(second.getString("reserved_at")),
      Instant.parse(second.getString("expires_at")))).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void listLeavesOutReleasedReservations() {
    String callerId = api.allocate("5125551234");
    api.release(callerId);

    JsonObject body = list().bodyAsJsonObject();

    assertThat(body.getLong("total")).isZero();
    assertThat(body.getJsonArray("items")).isEmpty();
  }

  @Test
  void listFiltersByPoolAndByCampaign() {
    api.nextCid("to", "5125551234", "campaign", "dialer");
    api.nextCid("to", "5125551234", "campaign", "other");
    api.nextCid("to", "5125551234", "campaign", "sales");

    JsonObject east = list("pool", "east").bodyAsJsonObject();
    JsonObject other = list("campaign", "other").bodyAsJsonObject();
    JsonObject otherInEast = list("campaign", "other", "pool", "east").bodyAsJsonObject();

    assertThat(callerIds(east)).containsExactly("2125550200");
    assertThat(callerIds(other)).containsExactly("5125550101");
    assertThat(other.getLong("total")).isEqualTo(1);
    assertThat(otherInEast.getLong("total")).isZero();
  }

  @Test
  void listAnswersOnePageAtATimeWithTheTotal() {
    for (int i = 0; i < 3; i++) {
      api.allocate("5125551234");
    }

    JsonObject page1 = list("size", "2").bodyAsJsonObject();
    JsonObject page2 = list("size", "2", "page", "2").bodyAsJsonObject();

    assertThat(callerIds(page1)).containsExactly("5125550100", "5125550101");
    assertThat(callerIds(page2)).containsExactly("5125550102");
    assertThat(List.of(page2.getLong("total"), page2.getInteger("page"), page2.getInteger("size")))
      .containsExactly(3L, 2, 2);
  }

  @Test
  void listPastTheLastPageAnswersNoItemsAndTheTotal() {
    api.allocate("5125551234");

    HttpResponse<Buffer> response = list("page", Integer.toString(Integer.MAX_VALUE), "size", "1000");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("items")).isEmpty();
    assertThat(response.bodyAsJsonObject().getLong("total")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"page|0", "page|x", "size|0", "size|1001", "pool|a b", "campaign|a b"})
  void listReturns400NamingTheParameter(String parameterAndValue) {
    String[] parts = parameterAndValue.split("\\|", 2);

    assertDetail(list(parts[0], parts[1]), 400, parts[0] + ": ");
  }

  @Test
  void releasingACampaignFreesExactlyThatCampaignsNumbers() {
    JsonObject stop1 = api.nextCid("to", "5125551234", "campaign", "stop").bodyAsJsonObject();
    String keep = api.nextCid("to", "5125551234", "campaign", "keep").bodyAsJsonObject().getString("caller_id");
    JsonObject stop2 = api.nextCid("to", "5125551234", "campaign", "stop").bodyAsJsonObject();
    String sales = api.nextCid("to", "5125551234", "campaign", "sales").bodyAsJsonObject().getString("caller_id");

    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/reservations")
      .addQueryParam("campaign", "stop").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("success", true)
      .put("campaign", "stop")
      .put("released", 2)
      .put("caller_ids", new JsonArray().add(stop1.getString("caller_id")).add(stop2.getString("caller_id"))));
    assertThat(api.isReserved(stop1.getString("caller_id"))).isFalse();
    assertThat(api.isReserved(stop2.getString("caller_id"))).isFalse();
    assertThat(api.isReserved(keep)).isTrue();
    assertThat(callerIds(list("pool", "east").bodyAsJsonObject())).containsExactly(sales);
    // Released numbers keep their LRU place: the least recently used of them is the next one handed out.
    assertThat(api.allocate("5125551234")).isEqualTo(stop1.getString("caller_id"));
  }

  @Test
  void releasingACampaignRecordsEachReleaseInTheHistory() {
    String reservation = api.nextCid("to", "5125551234", "campaign", "stop").bodyAsJsonObject()
      .getString("reservation");

    api.admin(HttpMethod.DELETE, "/api/reservations").addQueryParam("campaign", "stop")
      .send().await();

    List<Row> rows = api.poll(() -> api.rows("SELECT outcome FROM allocations WHERE id = $1::uuid AND released_at IS "
      + "NOT NULL", reservation), r -> !r.isEmpty(), Duration.ofSeconds(5));
    assertThat(rows).extracting(r -> r.getString("outcome")).containsExactly("released");
  }

  @Test
  void releasingACampaignIsAudited() {
    String callerId = api.nextCid("to", "5125551234", "campaign", "stop").bodyAsJsonObject().getString("caller_id");

    api.admin(HttpMethod.DELETE, "/api/reservations").addQueryParam("campaign", "stop")
      .send().await();

    List<Row> audit = api.rows("SELECT actor, action, target, before, after FROM audit_log WHERE target = 'stop'");
    assertThat(audit).hasSize(1);
    assertThat(List.of(audit.get(0).getString("actor"), audit.get(0).getString("action")))
      .containsExactly("admin-token", "reservations.release");
    assertThat(audit.get(0).getValue("before")).isNull();
    assertThat(audit.get(0).getValue("after")).isEqualTo(new JsonObject()
      .put("campaign", "stop")
      .put("released", 1)
      .put("caller_ids", new JsonArray().add(callerId)));
  }

  @Test
  void releasingACampaignWithoutLiveReservationsReleasesNone() {
    api.nextCid("to", "5125551234", "campaign", "keep");

    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/reservations")
      .addQueryParam("campaign", "nobody").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getInteger("released")).isZero();
    assertThat(api.reservedCount()).isEqualTo(1);
  }

  @Test
  void releasingWithoutACampaignIs400() {
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/reservations").send().await();

    assertDetail(response, 400, "campaign: ");
    assertThat(api.reservedCount()).isEqualTo(1);
  }

  @Test
  void aViewerListsReservationsButCannotReleaseThem() {
    api.nextCid("to", "5125551234", "campaign", "stop");
    String viewer = RoleTokens.bearer("vera");

    int listed = api.anonymous(HttpMethod.GET, "/api/reservations").putHeader("Authorization", viewer).send()
      .await().statusCode();
    int released = api.anonymous(HttpMethod.DELETE, "/api/reservations?campaign=stop")
      .putHeader("Authorization", viewer).send().await().statusCode();
    int anonymous = api.anonymous(HttpMethod.GET, "/api/reservations").send().await().statusCode();

    assertThat(List.of(listed, released, anonymous)).containsExactly(200, 403, 401);
    assertThat(api.reservedCount()).isEqualTo(1);
  }

  @Test
  void theOldSingleReleaseStillWorks() {
    String callerId = api.allocate("5125551234");

    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/reservation/" + callerId)
      .send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getBoolean("released_from_redis")).isTrue();
    assertThat(list().bodyAsJsonObject().getLong("total")).isZero();
  }

  /** GET /api/reservations with the admin token and the query parameters given as name, value pairs. */
  private static HttpResponse<Buffer> list(String... params) {
    HttpRequest<Buffer> request = api.admin(HttpMethod.GET, "/api/reservations");
    for (int i = 0; i < params.length; i += 2) {
      request.addQueryParam(params[i], params[i + 1]);
    }
    return request.send().await();
  }

  private static List<String> callerIds(JsonObject page) {
    return page.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("caller_id")).toList();
  }
}
