package io.cidrotator.auth;

import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT_ALGORITHM ES256 with JWT_JWKS_FILE, JWT_ISSUER and JWT_ROLE_CLAIM, as for a call center's own
 * identity provider (Keycloak and the like publish a JWKS without "alg" and put roles in their own claim).
 */
class JwtJwksTest {

  private static final String ISSUER = "https://idp.example/realms/floor";
  private static final String ROLE_CLAIM = "cid_roles";
  private static final String AUDIENCE = "cid-rotator-floor-7";
  private static final KeyPair CURRENT = Tokens.ecKeys();
  private static final KeyPair PREVIOUS = Tokens.ecKeys();

  @RegisterExtension
  static final Api api = new Api(new JsonObject()
    .put("JWT_ALGORITHM", "ES256")
    .put("JWT_ISSUER", ISSUER)
    .put("JWT_AUDIENCE", AUDIENCE)
    .put("JWT_ROLE_CLAIM", ROLE_CLAIM)
    .put("JWT_JWKS_FILE", Tokens.file("idp-jwks", new JsonObject().put("keys", new JsonArray()
      .add(Tokens.jwk(CURRENT.getPublic(), "current"))
      .add(Tokens.jwk(PREVIOUS.getPublic(), "previous"))).encode())));

  /** A token of the provider: its issuer, the role in its claim, signed with {@code keys}. */
  private static String providerToken(String role, KeyPair keys, String kid) {
    JsonObject claims = Tokens.claims("alice@idp", null).put("iss", ISSUER).put("aud", AUDIENCE).put(ROLE_CLAIM, role);
    claims.remove("role");
    return Tokens.es256(claims, keys.getPrivate(), kid);
  }

  private static HttpResponse<Buffer> stats(String token) {
    return api.bearer(HttpMethod.GET, "/api/stats", token).send().await();
  }

  @Test
  void anEs256TokenSignedWithAKeyOfTheJwksIsAccepted() {
    assertThat(stats(providerToken("admin", CURRENT, "current")).statusCode()).isEqualTo(200);
  }

  @Test
  void everyKeyOfTheJwksIsAccepted() {
    assertThat(stats(providerToken("admin", PREVIOUS, "previous")).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenWithoutKidIsCheckedAgainstEveryKey() {
    assertThat(stats(providerToken("admin", PREVIOUS, null)).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenSignedWithAKeyOutsideTheJwksIs401() {
    assertThat(stats(providerToken("admin", Tokens.ecKeys(), "current")).statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenNamingAnotherKeysKidIs401() {
    assertThat(stats(providerToken("admin", CURRENT, "previous")).statusCode()).isEqualTo(401);
  }

  @Test
  void theRoleIsReadFromJwtRoleClaim() {
    HttpResponse<Buffer> response = api.bearer(HttpMethod.POST, "/add-number?caller_id=5125550100",
      providerToken("viewer", CURRENT, "current")).send().await();

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("viewer role");
  }

  @Test
  void aRoleListInJwtRoleClaimCounts() {
    JsonObject claims = Tokens.claims("alice@idp", null).put("iss", ISSUER).put("aud", AUDIENCE)
      .put(ROLE_CLAIM, new JsonArray().add("offline_access").add("viewer"));

    assertThat(stats(Tokens.es256(claims, CURRENT.getPrivate(), "current")).statusCode()).isEqualTo(200);
  }

  @Test
  void aProviderTokenWithTheRoleOnlyInTheRoleClaimIs403() {
    JsonObject claims = Tokens.claims("alice@idp", "admin").put("iss", ISSUER).put("aud", AUDIENCE);

    HttpResponse<Buffer> response = stats(Tokens.es256(claims, CURRENT.getPrivate(), "current"));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("role");
  }

  @Test
  void aTokenOfAnotherIssuerIs401() {
    JsonObject claims = Tokens.claims("alice@idp", null).put("iss", "https://evil.example").put("aud", AUDIENCE)
      .put(ROLE_CLAIM, "admin");

    HttpResponse<Buffer> response = stats(Tokens.es256(claims, CURRENT.getPrivate(), "current"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("issuer");
  }

  @Test
  void aTokenWithoutIssuerIs401() {
    JsonObject claims = Tokens.claims("alice@idp", null).put("aud", AUDIENCE).put(ROLE_CLAIM, "admin");

    assertThat(stats(Tokens.es256(claims, CURRENT.getPrivate(), "current")).statusCode()).isEqualTo(401);
  }

  @Test
  void aProviderTokenClaimingOurIssuerIsStillHeldToJwtIssuer() {
    JsonObject claims = Tokens.claims("alice@idp", "admin").put("iss", "cid-rotator");

    assertThat(stats(Tokens.es256(claims, CURRENT.getPrivate(), "current")).statusCode()).isEqualTo(401);
  }

  @Test
  void anHs256TokenWithTheJwksAsSecretIs401() {
    JsonObject claims = Tokens.claims("mallory", null).put("iss", ISSUER).put("aud", AUDIENCE)
      .put(ROLE_CLAIM, "admin");
    String jwk = Tokens.jwk(CURRENT.getPublic(), "current").encode();

    assertThat(stats(Tokens.hs256(claims, jwk)).statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenTheProviderIssuedToAnotherApplicationIs401() {
    JsonObject other = Tokens.claims("alice@idp", null).put("iss", ISSUER).put("aud", "payroll")
      .put(ROLE_CLAIM, "admin");
    JsonObject none = Tokens.claims("alice@idp", null).put("iss", ISSUER).put(ROLE_CLAIM, "admin");

    HttpResponse<Buffer> response = stats(Tokens.es256(other, CURRENT.getPrivate(), "current"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("(aud)");
    assertThat(stats(Tokens.es256(none, CURRENT.getPrivate(), "current")).statusCode()).isEqualTo(401);
  }

  @Test
  void anAudienceListNamingThisServerIsAccepted() {
    JsonObject claims = Tokens.claims("alice@idp", null).put("iss", ISSUER)
      .put("aud", new JsonArray().add("account").add(AUDIENCE)).put(ROLE_CLAIM, "admin");

    assertThat(stats(Tokens.es256(claims, CURRENT.getPrivate(), "current")).statusCode()).isEqualTo(200);
  }
}
