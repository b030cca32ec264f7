package io.cidrotator.dialer;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Ending a reservation: /release (the hangup handler's call) and DELETE /api/reservation/{caller_id} (admin). */
class ReleaseTest {

  @RegisterExtension
  static final Api api = new Api();

  @BeforeEach
  void oneNumber() {
    api.reset();
    api.server().seed(TestServer.numbers("512", 1));
  }

  @Test
  void releaseEndsTheLiveReservation() {
    String callerId = api.allocate("5125551234");

    HttpResponse<Buffer> response = api.release(callerId);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("success", true)
      .put("caller_id", "5125550100")
      .put("released", true));
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void releaseTwiceAnswersReleasedFalseTheSecondTime() {
    api.release(api.allocate("5125551234"));

    HttpResponse<Buffer> response = api.release("5125550100");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("success", true)
      .put("caller_id", "5125550100")
      .put("released", false));
  }

  @Test
  void releasedNumberIsImmediatelyAllocatableAgain() {
    api.allocate("5125551234");
    assertThat(api.nextCid("to", "5125551234").statusCode()).isEqualTo(503);

    api.release("5125550100");
    HttpResponse<Buffer> response = api.nextCid("to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("caller_id")).isEqualTo("5125550100");
  }

  @Test
  void releaseAcceptsTheCallerIdWithCountryCodeAndPunctuation() {
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.release("+1 (512) 555-0100");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getBoolean("released")).isTrue();
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void releaseOfAnUnknownNumberReturns404WithDetail() {
    HttpResponse<Buffer> response = api.release("5125559999");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "caller_id 5125559999 is not in the inventory"));
  }

  @Test
  void releaseOfAnInvalidCallerIdReturns400NamingCallerId() {
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.release("5121550100");

    assertDetail(response, 400, "caller_id: ");
    assertThat(api.reservedCount()).isEqualTo(1);
  }

  @Test
  void releaseWithoutCallerIdReturns422NamingCallerId() {
    HttpResponse<Buffer> response = api.get("/release");

    assertDetail(response, 422, "caller_id: ");
  }

  @Test
  void adminReleaseAnswersInTheOldShape() {
    api.allocate("5125551234");

    HttpResponse<Buffer> response = 
      api.admin(HttpMethod.DELETE, "/api/reservation/5125550100").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("success", "message", "released_from_redis");
    assertThat(body.getBoolean("success")).isTrue();
    assertThat(body.getString("message")).contains("5125550100");
    assertThat(body.getBoolean("released_from_redis")).isTrue();
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void adminReleaseIsAudited() {
    api.allocate("5125551234");

    api.admin(HttpMethod.DELETE, "/api/reservation/5125550100").send().await();

    assertThat(api.rows("SELECT actor, action, target, after FROM audit_log"))
      .singleElement()
      .satisfies(row -> {
        assertThat(row.getString("actor")).isEqualTo("admin-token");
        assertThat(row.getString("action")).isEqualTo("reservation.release");
        assertThat(row.getString("target")).isEqualTo("5125550100");
        assertThat(row.getJsonObject("after").getBoolean("released")).isTrue();
      });
  }

  @Test
  void adminReleaseOfANumberWithoutReservationAnswersReleasedFromRedisFalse() {
    HttpResponse<Buffer> response = 
      api.admin(HttpMethod.DELETE, "/api/reservation/5125550100").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getBoolean("success")).isTrue();
    assertThat(body.getString("message")).isNotBlank();
    assertThat(body.getBoolean("released_from_redis")).isFalse();
  }

  @Test
  void adminReleaseOfANumberNotInTheInventoryAnswersAsTheOldToolDid() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/reservation/5125559999").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("success", true)
      .put("message", "5125559999 is not in the inventory")
      .put("released_from_redis", false));
  }

  @Test
  void adminReleaseOfAnInvalidCallerIdReturns400NamingCallerId() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/reservation/123").send().await();

    assertDetail(response, 400, "caller_id: ");
  }

  @Test
  void adminReleaseWithoutTokenReturns401WithWwwAuthenticate() {
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.anonymous(HttpMethod.DELETE, "/api/reservation/5125550100").send().await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.bodyAsJsonObject().fieldNames()).containsExactly("detail");
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    assertThat(api.isReserved("5125550100")).isTrue();
  }

  @Test
  void adminReleaseWithAWrongTokenReturns401() {
    api.allocate("5125551234");

    HttpResponse<Buffer> response = api.anonymous(HttpMethod.DELETE, "/api/reservation/5125550100")
      .putHeader("Authorization", "Bearer " + TestServer.ADMIN_TOKEN + "x")
      .send()
      .await();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    assertThat(api.isReserved("5125550100")).isTrue();
  }

  private static void assertDetail(HttpResponse<Buffer> response, int status, String prefix) {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactly("detail");
    assertThat(body.getString("detail")).startsWith(prefix);
  }
}
