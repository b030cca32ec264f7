package io.cidrotator.dialer;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dialer routes with DIALER_KEYS and ALLOWED_DIALER_IPS set: a client outside the networks is refused
 * (403), one inside needs a key as {@code ?key=} (401). The allowed dialer is 127.0.0.2; the test's usual
 * client, 127.0.0.1, stands for an address outside the list. In text format a refusal has an empty body:
 * Asterisk 13's CURL() would take any body for the caller-ID.
 */
class DialerGateTest {

  private static final String KEY = "dialer-key-one-0123456789";
  private static final String OTHER_KEY = "dialer-key-two-0123456789";
  private static final String DIALER = "127.0.0.2";

  @RegisterExtension
  static final Api api = new Api(new JsonObject()
    .put("DIALER_KEYS", KEY + ", " + OTHER_KEY)
    .put("ALLOWED_DIALER_IPS", "10.0.0.0/8, " + DIALER));

  private static WebClient dialer;

  @BeforeAll
  static void dialerClient() {
    dialer = api.clientFrom(DIALER);
  }

  @AfterAll
  static void closeDialerClient() {
    dialer.close();
  }

  @BeforeEach
  void oneNumber() {
    api.reset();
    api.server().seed(TestServer.numbers("512", 1));
  }

  private static HttpResponse<Buffer> fromDialer(String path, String... params) {
    HttpRequest<Buffer> request = dialer.get(path);
    for (int i = 0; i < params.length; i += 2) {
      request.addQueryParam(params[i], params[i + 1]);
    }
    return request.send().await();
  }

  @Test
  void nextCidWithTheRightKeyAllocates() {
    HttpResponse<Buffer> response = fromDialer("/next-cid", "to", "5125551234", "key", KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("caller_id")).isEqualTo("5125550100");
  }

  @Test
  void everyKeyOfDialerKeysIsAccepted() {
    assertThat(fromDialer("/next-cid", "to", "5125551234", "key", OTHER_KEY).statusCode()).isEqualTo(200);
  }

  @Test
  void nextCidWithoutKeyIs401NamingTheKey() {
    HttpResponse<Buffer> response = fromDialer("/next-cid", "to", "5125551234");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith("key: ");
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void nextCidWithAWrongKeyIs401() {
    HttpResponse<Buffer> response = fromDialer("/next-cid", "to", "5125551234", "key", KEY + "x");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).isEqualTo("key: not a valid dialer key");
  }

  @Test
  void aKeySentAsBearerHeaderDoesNotCount() {
    HttpResponse<Buffer> response = dialer.get("/next-cid")
      .addQueryParam("to", "5125551234")
      .putHeader("Authorization", "Bearer " + KEY)
      .send()
      .await();

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void inTextFormatAMissingKeyIs401WithAnEmptyBody() {
    HttpResponse<Buffer> response = fromDialer("/next-cid", "to", "5125551234", "format", "text");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isNull();
  }

  @Test
  void inTextFormatTheRightKeyAnswersTheDigits() {
    HttpResponse<Buffer> response = fromDialer("/next-cid", "to", "5125551234", "format", "text", "key", KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("5125550100");
  }

  @Test
  void releaseWithoutKeyIs401AndKeepsTheReservation() {
    String callerId = fromDialer("/next-cid", "to", "5125551234", "key", KEY).bodyAsJsonObject().getString("caller_id");

    HttpResponse<Buffer> response = fromDialer("/release", "caller_id", callerId);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(api.isReserved(callerId)).isTrue();
  }

  @Test
  void releaseWithTheRightKeyReleases() {
    String callerId = fromDialer("/next-cid", "to", "5125551234", "key", KEY).bodyAsJsonObject().getString("caller_id");

    HttpResponse<Buffer> response = fromDialer("/release", "caller_id", callerId, "key", KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getBoolean("released")).isTrue();
  }

  @Test
  void postReleaseWithoutKeyIs401() {
    HttpResponse<Buffer> response = dialer.post("/release").addQueryParam("caller_id", "5125550100").send().await();

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void nextCidFromAnAddressOutsideAllowedDialerIpsIs403EvenWithTheKey() {
    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "key", KEY);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("detail"))
      .isEqualTo("client address 127.0.0.1 is not in ALLOWED_DIALER_IPS");
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void inTextFormatARefusedAddressGets403WithAnEmptyBody() {
    HttpResponse<Buffer> response = api.nextCid("to", "5125551234", "key", KEY, "format", "text");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isNull();
  }

  @Test
  void releaseFromAnAddressOutsideAllowedDialerIpsIs403() {
    HttpResponse<Buffer> response = api.get("/release", "caller_id", "5125550100", "key", KEY);

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void aRefusedNextCidIsCountedAsUnauthorized() {
    JsonObject before = api.stats();

    fromDialer("/next-cid", "to", "5125551234");
    JsonObject after = api.poll(api::stats,
      s -> s.getLong("requests_last_hour") > before.getLong("requests_last_hour"), Duration.ofSeconds(2));

    assertThat(unauthorized(after) - unauthorized(before)).isEqualTo(1);
  }

  @Test
  void theServerHasNoBenchmarkRoutes() {
    // The benchmark's direct route lives with the benchmark (bench.DirectRouteVerticle), on a port of its own.
    assertThat(fromDialer("/bench/next-cid-direct", "to", "5125551234", "key", KEY).statusCode()).isEqualTo(404);
    assertThat(fromDialer("/bench/release-direct", "caller_id", "5125550100", "key", KEY).statusCode())
      .isEqualTo(404);
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void healthAndMetricsNeedNoKey() {
    assertThat(api.get("/health").statusCode()).isEqualTo(200);
    assertThat(api.get("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void theAdminRoutesStillTakeTheAdminToken() {
    assertThat(api.admin(HttpMethod.GET, "/api/stats").send().await().statusCode()).isEqualTo(200);
  }

  private static long unauthorized(JsonObject stats) {
    return stats.getJsonObject("outcomes_last_hour", new JsonObject()).getLong("unauthorized", 0L);
  }
}
