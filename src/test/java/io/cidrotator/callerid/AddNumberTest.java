package io.cidrotator.callerid;

import io.cidrotator.http.Api;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /add-number (admin): query parameters as the old tool took them, or a JSON body. */
class AddNumberTest {

  @RegisterExtension
  static final Api api = new Api();

  @BeforeEach
  void emptyInventory() {
    api.reset();
  }

  @Test
  void addNumberAnswersWithTheStoredNumber() {
    HttpResponse<Buffer> response = addNumber("caller_id", "5125550199", "carrier", "telnyx", "area_code", "512",
      "hourly_limit", "20", "daily_limit", "150").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("success", "message", "data");
    assertThat(body.getBoolean("success")).isTrue();
    assertThat(body.getString("message")).contains("5125550199");
    JsonObject data = body.getJsonObject("data");
    assertThat(data.getString("caller_id")).isEqualTo("5125550199");
    assertThat(data.getString("carrier")).isEqualTo("telnyx");
    assertThat(data.getString("area_code")).isEqualTo("512");
    assertThat(data.getInteger("hourly_limit")).isEqualTo(20);
    assertThat(data.getInteger("daily_limit")).isEqualTo(150);
    assertThat(data.getBoolean("is_active")).isTrue();
    assertThat(data.getString("pool")).isEqualTo("default");
    assertThat(data.getString("created_at")).isNotBlank();
  }

  @Test
  void addNumberStoresTheNumberInPostgresql() {
    addNumber("caller_id", "5125550199", "carrier", "telnyx", "hourly_limit", "20", "daily_limit", "150")
      .send().await();

    List<Row> rows = api.rows("""
      SELECT caller_id, carrier, area_code, hourly_limit, daily_limit, is_active, pool FROM caller_ids
      """);
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(List.of(row.getString("caller_id"), row.getString("carrier"), row.getString("area_code"),
      row.getInteger("hourly_limit"), row.getInteger("daily_limit"), row.getBoolean("is_active"), row.getString("pool")))
      .containsExactly("5125550199", "telnyx", "512", 20, 150, true, "default");
  }

  @Test
  void addedNumberIsAllocatableAsSoonAsTheAnswerArrives() {
    assertThat(addNumber("caller_id", "5125550199").send().await().statusCode()).isEqualTo(200);

    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("caller_id")).isEqualTo("5125550199");
    assertThat(response.bodyAsJsonObject().getString("tier")).isEqualTo("prefix");
  }

  @Test
  void addNumberDefaultsTheAreaCodeToTheCallerIdsAreaCode() {
    HttpResponse<Buffer> response = addNumber("caller_id", "7375550199").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject data = response.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("area_code")).isEqualTo("737");
    assertThat(data.getValue("hourly_limit")).isNull();
    assertThat(data.getValue("daily_limit")).isNull();
  }

  @Test
  void addNumberNormalizesAFormattedCallerId() {
    HttpResponse<Buffer> response = addNumber("caller_id", "+1 (512) 555-0199").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonObject("data").getString("caller_id")).isEqualTo("5125550199");
  }

  @Test
  void addNumberAcceptsAJsonBody() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/add-number")
      .sendJsonObject(new JsonObject()
        .put("caller_id", "5125550199")
        .put("carrier", "bandwidth")
        .put("area_code", "512")
        .put("hourly_limit", 5)
        .put("daily_limit", 40))
      .await();

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject data = response.bodyAsJsonObject().getJsonObject("data");
    assertThat(data.getString("caller_id")).isEqualTo("5125550199");
    assertThat(data.getString("carrier")).isEqualTo("bandwidth");
    assertThat(data.getInteger("hourly_limit")).isEqualTo(5);
    assertThat(data.getInteger("daily_limit")).isEqualTo(40);
    assertThat(api.allocate("5125551234")).isEqualTo("5125550199");
  }

  @Test
  void addNumberReturns409ForADuplicate() {
    addNumber("caller_id", "5125550199", "carrier", "telnyx").send().await();

    HttpResponse<Buffer> response = addNumber("caller_id", "5125550199", "carrier", "other").send().await();

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "caller_id 5125550199 already exists"));
    assertThat(api.rows("SELECT carrier FROM caller_ids").get(0).getString("carrier")).isEqualTo("telnyx");
  }

  @ParameterizedTest
  @ValueSource(strings = {"123", "5121550199", "0125550199", "abc"})
  void addNumberReturns400NamingCallerIdForAnInvalidCallerId(String callerId) {
    HttpResponse<Buffer> response = addNumber("caller_id", callerId).send().await();

    assertRejected(response, 400, "caller_id: ");
  }

  @Test
  void addNumberWithoutCallerIdReturns422NamingCallerId() {
    HttpResponse<Buffer> response = addNumber("carrier", "telnyx").send().await();

    assertRejected(response, 422, "caller_id: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "ten", "1.5", "99999999999"})
  void addNumberReturns400NamingHourlyLimitForANonPositiveOrNonIntegerLimit(String limit) {
    HttpResponse<Buffer> response = addNumber("caller_id", "5125550199", "hourly_limit", limit).send().await();

    assertRejected(response, 400, "hourly_limit: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1"})
  void addNumberReturns400NamingDailyLimitForANonPositiveLimit(String limit) {
    HttpResponse<Buffer> response = addNumber("caller_id", "5125550199", "daily_limit", limit).send().await();

    assertRejected(response, 400, "daily_limit: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"12", "1234", "012", "112", "51a"})
  void addNumberReturns400NamingAreaCodeForABadAreaCode(String areaCode) {
    HttpResponse<Buffer> response = addNumber("caller_id", "5125550199", "area_code", areaCode).send().await();

    assertRejected(response, 400, "area_code: ");
  }

  @Test
  void addNumberReturns400NamingHourlyLimitInAJsonBody() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/add-number")
      .sendJsonObject(new JsonObject().put("caller_id", "5125550199").put("hourly_limit", -3))
      .await();

    assertRejected(response, 400, "hourly_limit: ");
  }

  @Test
  void addNumberReturns400ForABodyThatIsNotAJsonObject() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/add-number")
      .putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer("[\"5125550199\"]"))
      .await();

    assertRejected(response, 400, "body: ");
  }

  @Test
  void addNumberReturns413ForABodyOverItsLimit() {
    String padding = "x".repeat(70 * 1024);

    HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/add-number")
      .sendJsonObject(new JsonObject().put("caller_id", "5125550199").put("carrier", padding))
      .await();

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.bodyAsJsonObject().fieldNames()).containsExactly("detail");
    assertThat(api.rows("SELECT caller_id FROM caller_ids")).isEmpty();
  }

  @Test
  void addNumberWithoutTokenReturns401AndStoresNothing() {
    HttpRequest<Buffer> request = api.anonymous(HttpMethod.POST, "/add-number")
      .addQueryParam("caller_id", "5125550199");

    HttpResponse<Buffer> response = request.send().await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    assertThat(api.rows("SELECT caller_id FROM caller_ids")).isEmpty();
    assertThat(api.nextCid("to", "5125551234").statusCode()).isEqualTo(503);
  }

  @Test
  void addNumberWithAWrongTokenReturns401AndStoresNothing() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.POST, "/add-number")
      .addQueryParam("caller_id", "5125550199")
      .putHeader("Authorization", "Bearer not-the-admin-token")
      .send()
      .await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    assertThat(api.rows("SELECT caller_id FROM caller_ids")).isEmpty();
  }

  private static HttpRequest<Buffer> addNumber(String... params) {
    HttpRequest<Buffer> request = api.admin(HttpMethod.POST, "/add-number");
    for (int i = 0; i < params.length; i += 2) {
      request.addQueryParam(params[i], params[i + 1]);
    }
    return request;
  }

  /** The status, a {"detail"} body starting with the field name, and nothing stored. */
  private static void assertRejected(HttpResponse<Buffer> response, int status, String prefix) {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactly("detail");
    assertThat(body.getString("detail")).startsWith(prefix);
    assertThat(api.rows("SELECT caller_id FROM caller_ids")).isEmpty();
    assertThat(api.redisKeys(RedisKeys.number("*"))).isEmpty();
  }
}
