package io.cidrotator.auth;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.KeyPair;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT_ALGORITHM RS256 with JWT_PUBLIC_KEY_FILE: tokens of the call center's identity provider, signed with
 * its private key, are accepted besides our own HS256 ones; the public key is never an HMAC secret.
 */
class JwtPublicKeyTest {

  private static final String SECRET = "jwt-public-key-test-secret-0123456789";
  private static final KeyPair PROVIDER = Tokens.rsaKeys();
  private static final String PEM = Tokens.pem(PROVIDER.getPublic());

  @RegisterExtension
  static final Api api = new Api(new JsonObject()
    .put("SECRET_KEY", SECRET)
    .put("JWT_ALGORITHM", "RS256")
    .put("JWT_PUBLIC_KEY_FILE", Tokens.file("idp-public", PEM)));

  private static HttpResponse<Buffer> stats(String token) {
    return api.bearer(HttpMethod.GET, "/api/stats", token).send().await();
  }

  @Test
  void anRs256TokenSignedByTheProvidersKeyIsAccepted() {
    String token = Tokens.rs256(Tokens.claims("alice@idp", "admin"), PROVIDER.getPrivate(), null);

    assertThat(stats(token).statusCode()).isEqualTo(200);
  }

  @Test
  void theRoleOfAProviderTokenIsHonoured() {
    String token = Tokens.rs256(Tokens.claims("victor@idp", "viewer"), PROVIDER.getPrivate(), null);

    HttpResponse<Buffer> response = api.bearer(HttpMethod.POST, "/add-number?caller_id=5125550100", token)
      .send()
      .await();

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void anRs256TokenSignedByAnotherKeyIs401() {
    String token = Tokens.rs256(Tokens.claims("alice@idp", "admin"), Tokens.rsaKeys().getPrivate(), null);

    assertThat(stats(token).statusCode()).isEqualTo(401);
  }

  @Test
  void anHs256TokenWhoseSecretIsThePublicKeyIs401() {
    String token = Tokens.hs256(Tokens.claims("mallory", "admin"), PEM);

    HttpResponse<Buffer> response = stats(token);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("signature");
  }

  @Test
  void anExpiredRs256TokenIs401() {
    long now = Instant.now().getEpochSecond();
    JsonObject claims = Tokens.claims("alice@idp", "admin").put("iat", now - 3600).put("exp", now - 60);

    HttpResponse<Buffer> response = stats(Tokens.rs256(claims, PROVIDER.getPrivate(), null));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("expired");
  }

  @Test
  void anRs256TokenNotValidYetIs401SayingWhenItWillBeNotThatItExpired() {
    long now = Instant.now().getEpochSecond();
    JsonObject claims = Tokens.claims("alice@idp", "admin").put("iat", now).put("nbf", now + 3600)
      .put("exp", now + 7200);

    HttpResponse<Buffer> response = stats(Tokens.rs256(claims, PROVIDER.getPrivate(), null));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail"))
      .contains("it is not valid before " + Instant.ofEpochSecond(now + 3600))
      .doesNotContain("expired");
  }

  @Test
  void anRs256TokenIssuedInTheFutureIs401SayingSo() {
    long now = Instant.now().getEpochSecond();
    JsonObject claims = Tokens.claims("alice@idp", "admin").put("iat", now + 3600).put("exp", now + 7200);

    HttpResponse<Buffer> response = stats(Tokens.rs256(claims, PROVIDER.getPrivate(), null));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("it was issued in the future");
  }

  @Test
  void anRs256TokenWithoutExpiryIs401() {
    JsonObject claims = Tokens.claims("alice@idp", "admin");
    claims.remove("exp");

    assertThat(stats(Tokens.rs256(claims, PROVIDER.getPrivate(), null)).statusCode()).isEqualTo(401);
  }

  @Test
  void ourOwnHs256TokensAreStillAccepted() {
    assertThat(stats(Tokens.hs256(Tokens.claims("alice", "admin"), SECRET)).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenIssuedByPostAuthTokenIsAccepted() {
    String token = api.anonymous(HttpMethod.POST, "/api/auth/token")
      .sendJsonObject(new JsonObject().put("admin_token", TestServer.ADMIN_TOKEN))
      .await()
      .bodyAsJsonObject()
      .getString("token");

    assertThat(stats(token).statusCode()).isEqualTo(200);
  }
}
