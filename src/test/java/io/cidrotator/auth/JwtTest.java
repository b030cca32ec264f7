package io.cidrotator.auth;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWTs on the admin routes with the default JWT_ALGORITHM HS256: tokens signed with SECRET_KEY carry
 * the admin or viewer role; anything expired, unsigned, tampered or signed otherwise is a 401, a valid
 * token without the role a 403.
 */
class JwtTest {

  private static final String SECRET = "jwt-test-secret-key-0123456789-abcdefgh";

  @RegisterExtension
  static final Api api = new Api(new JsonObject().put("SECRET_KEY", SECRET));

  @BeforeEach
  void emptyInventory() {
    api.reset();
  }

  private static HttpResponse<Buffer> stats(String token) {
    return api.bearer(HttpMethod.GET, "/api/stats", token).send().await();
  }

  private static HttpResponse<Buffer> addNumber(String token) {
    return api.bearer(HttpMethod.POST, "/add-number?caller_id=5125550100", token).send().await();
  }

  private static void assertUnauthorized(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.bodyAsJsonObject().fieldNames()).containsExactly("detail");
  }

  @Test
  void anAdminTokenSignedWithTheSecretKeyReadsStats() {
    HttpResponse<Buffer> response = stats(Tokens.hs256(Tokens.claims("alice", "admin"), SECRET));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getLong("total_caller_ids")).isZero();
  }

  @Test
  void anAdminTokenAddsANumber() {
    HttpResponse<Buffer> response = addNumber(Tokens.hs256(Tokens.claims("alice", "admin"), SECRET));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonObject("data").getString("caller_id")).isEqualTo("5125550100");
  }

  @Test
  void theTokensSubjectAndRoleAreTheActorOfTheAuditTrail() {
    addNumber(Tokens.hs256(Tokens.claims("alice", "admin"), SECRET));

    List<Row> audit = api.rows("SELECT actor, role, remote FROM audit_log");

    assertThat(audit).hasSize(1);
    assertThat(List.of(audit.get(0).getString("actor"), audit.get(0).getString("role"), audit.get(0).getString("remote")))
      .containsExactly("alice", "admin", "127.0.0.1");
  }

  @Test
  void aRoleTokensReadsStats() {
    HttpResponse<Buffer> response = stats(Tokens.hs256(Tokens.claims("victor", "viewer"), SECRET));

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aRoleTokensCannotAddANumber() {
    HttpResponse<Buffer> response = addNumber(Tokens.hs256(Tokens.claims("victor", "viewer"), SECRET));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("detail"))
      .isEqualTo("the viewer role cannot do this: it needs the admin role");
    assertThat(api.rows("SELECT caller_id FROM caller_ids")).isEmpty();
  }

  @Test
  void aRoleTokensCannotReleaseAReservation() {
    api.server().seed(TestServer.numbers("512", 1));
    String callerId = api.allocate("5125551234");

    HttpResponse<Buffer> response = api.bearer(HttpMethod.DELETE, "/api/reservation/" + callerId,
      Tokens.hs256(Tokens.claims("victor", "viewer"), SECRET)).send().await();

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("viewer role", "admin role");
    assertThat(api.isReserved(callerId)).isTrue();
  }

  @Test
  void aForbiddenAnswerCarriesNoBearerChallenge() {
    HttpResponse<Buffer> response = addNumber(Tokens.hs256(Tokens.claims("victor", "viewer"), SECRET));

    assertThat(response.getHeader("WWW-Authenticate")).isNull();
  }

  @Test
  void aRoleListCountsAsItsStrongestRole() {
    JsonObject claims = Tokens.claims("alice", null).put("role", new JsonArray().add("viewer").add("admin"));

    assertThat(addNumber(Tokens.hs256(claims, SECRET)).statusCode()).isEqualTo(200);
  }

  @Test
  void anExpiredTokenIs401SayingItExpired() {
    long now = Instant.now().getEpochSecond();
    JsonObject claims = Tokens.claims("alice", "admin").put("iat", now - 3600).put("exp", now - 60);

    HttpResponse<Buffer> response = stats(Tokens.hs256(claims, SECRET));

    assertUnauthorized(response);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("expired");
  }

  @Test
  void aTokenWithoutExpiryIs401() {
    JsonObject claims = Tokens.claims("alice", "admin");
    claims.remove("exp");

    HttpResponse<Buffer> response = stats(Tokens.hs256(claims, SECRET));

    assertUnauthorized(response);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("expiry");
  }

  @Test
  void aTokenWithATextExpiryIs401() {
    JsonObject claims = Tokens.claims("alice", "admin").put("exp", "never");

    assertUnauthorized(stats(Tokens.hs256(claims, SECRET)));
  }

  @Test
  void aTokenWithoutSubjectIs401() {
    JsonObject claims = Tokens.claims("alice", "admin");
    claims.remove("sub");

    assertUnauthorized(stats(Tokens.hs256(claims, SECRET)));
  }

  @Test
  void aRoleTokensWhosePayloadWasChangedToAdminIs401() {
    String viewer = Tokens.hs256(Tokens.claims("victor", "viewer"), SECRET);
    String tampered = Tokens.withPayload(viewer, Tokens.claims("victor", "admin"));

    HttpResponse<Buffer> response = addNumber(tampered);

    assertUnauthorized(response);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("signature");
  }

  @Test
  void aTokenSignedWithAnotherSecretIs401() {
    String token = Tokens.hs256(Tokens.claims("alice", "admin"), "another-secret-key-0123456789-abcdefgh");

    assertUnauthorized(stats(token));
  }

  @Test
  void anUnsignedAlgNoneTokenIs401() {
    assertUnauthorized(stats(Tokens.unsigned(Tokens.claims("alice", "admin"))));
  }

  @Test
  void aSignedTokenWhoseHeaderWasChangedToAlgNoneIs401() {
    String token = Tokens.hs256(Tokens.claims("alice", "admin"), SECRET);

    assertUnauthorized(stats(Tokens.withHeader(token, new JsonObject().put("alg", "none").put("typ", "JWT"))));
  }

  @Test
  void anHs512TokenSignedWithTheSecretKeyIs401BecauseTheAlgorithmIsPinned() {
    assertUnauthorized(stats(Tokens.hs512(Tokens.claims("alice", "admin"), SECRET)));
  }

  @Test
  void aTokenWithoutARoleIs403SayingSo() {
    JsonObject claims = Tokens.claims("alice", null);
    claims.remove("role");

    HttpResponse<Buffer> response = stats(Tokens.hs256(claims, SECRET));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("role");
  }

  @Test
  void aTokenWithAnUnknownRoleIs403() {
    HttpResponse<Buffer> response = stats(Tokens.hs256(Tokens.claims("alice", "superuser"), SECRET));

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void aBearerThatIsNotAJwtIs401() {
    assertUnauthorized(stats("not-a-token"));
    assertUnauthorized(stats("a.b.c"));
  }

  @Test
  void aJwtSentAsBasicCredentialsIs401() {
    HttpResponse<Buffer> response = api.anonymous(HttpMethod.GET, "/api/stats")
      .putHeader("Authorization", "Basic " + Tokens.hs256(Tokens.claims("alice", "admin"), SECRET))
      .send()
      .await();

    assertUnauthorized(response);
  }

  @Test
  void theStaticAdminTokenIsStillAcceptedAndIsAnAdmin() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/add-number?caller_id=5125550100").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenOfAUserTheServerDoesNotKnowIsNotRefreshed() {
    String token = Tokens.hs256(Tokens.claims("ghost", "admin").put("iss", "cid-rotator")
      .put("auth_time", System.currentTimeMillis() / 1000), SECRET);

    HttpResponse<Buffer> response = refresh(token);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("ghost may no longer log in");
  }

  @Test
  void aSessionOlderThanTwelveHoursIsNotRefreshed() {
    String token = Tokens.hs256(Tokens.claims("admin-token", "admin").put("iss", "cid-rotator")
      .put("auth_time", System.currentTimeMillis() / 1000 - 12 * 3600 - 60), SECRET);
    String withoutStart = Tokens.hs256(Tokens.claims("admin-token", "admin").put("iss", "cid-rotator"), SECRET);

    assertThat(refresh(token).bodyAsJsonObject().getString("detail")).contains("session is over");
    assertThat(refresh(withoutStart).statusCode()).isEqualTo(401);
  }

  @Test
  void aRefreshKeepsTheSessionStartAndTheAdminTokensRole() {
    String token = Tokens.hs256(Tokens.claims("admin-token", "admin").put("iss", "cid-rotator")
      .put("auth_time", 1_000L + System.currentTimeMillis() / 1000 - 3600), SECRET);

    HttpResponse<Buffer> response = refresh(token);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject claims = Tokens.payload(response.bodyAsJsonObject().getString("token"));
    assertThat(claims.getLong("auth_time")).isEqualTo(Tokens.payload(token).getLong("auth_time"));
    assertThat(claims.getString("role")).isEqualTo("admin");
  }

  private static HttpResponse<Buffer> refresh(String token) {
    return api.bearer(HttpMethod.POST, "/api/auth/token", token).send().await();
  }
}
