package io.cidrotator.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the Authenticator makes of its settings and of the tokens it issues; the HTTP behaviour of tokens
 * is in {@code http.JwtTest} and its siblings. VertxExtension gives each test a Vertx and closes it.
 */
@ExtendWith(VertxExtension.class)
class AuthenticatorTest {

  private static final String ADMIN_TOKEN = "authenticator-admin-token-0123";
  @TempDir
  Path dir;

  private static AuthSettings settings(String algorithm, String publicKeyFile, String jwksFile) {
    return new AuthSettings("authenticator-test-secret-0123456789", algorithm, publicKeyFile, jwksFile, null, null, "role",
      10, null, List.of(), List.of());
  }

  private String file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text).toString();
  }

  private static PublicKey publicKey(String algorithm) throws NoSuchAlgorithmException {
    return KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic();
  }

  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
      + "\n-----END PUBLIC KEY-----\n";
  }

  private static String base64Url(BigInteger value) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value.toByteArray());
  }

  @Test
  void aTokenItIssuesAuthenticatesAsTheSameIdentity(Vertx vertx) {
    Authenticator authenticator = new Authenticator(vertx, ADMIN_TOKEN, settings("HS256", null, null));
    String token = authenticator.issue(new Identity("alice", Role.VIEWER)).getString("token");

    assertThat(authenticator.authenticate("Bearer " + token).await()).isEqualTo(new Identity("alice", Role.VIEWER));
  }

  @Test
  void theIssuedTokenLastsTheConfiguredMinutes(Vertx vertx) {
    Authenticator authenticator = new Authenticator(vertx, ADMIN_TOKEN, settings("HS256", null, null));

    assertThat(authenticator.issue(new Identity("alice", Role.ADMIN)).getInteger("expires_in")).isEqualTo(600);
  }

  @Test
  void theStaticAdminTokenIsTheAdmin(Vertx vertx) {
    Authenticator authenticator = new Authenticator(vertx, ADMIN_TOKEN, settings("HS256", null, null));

    assertThat(authenticator.authenticate("bearer " + ADMIN_TOKEN).await())
      .isEqualTo(new Identity(Identity.ADMIN_TOKEN_SUBJECT, Role.ADMIN));
    assertThat(authenticator.isAdminToken(ADMIN_TOKEN)).isTrue();
    assertThat(authenticator.isAdminToken(ADMIN_TOKEN + "x")).isFalse();
    assertThat(authenticator.isAdminToken(null)).isFalse();
  }

  @Test
  void aMissingHeaderFailsWith401(Vertx vertx) {
    Authenticator authenticator = new Authenticator(vertx, ADMIN_TOKEN, settings("HS256", null, null));

    assertThatThrownBy(() -> authenticator.authenticate(null).await())
      .isInstanceOf(AuthFailure.class)
      .hasMessageStartingWith("missing credentials");
  }

  @Test
  void aPublicKeyFileThatIsNoPemKeyIsRefusedNamingIt(Vertx vertx) throws IOException {
    AuthSettings settings = settings("RS256", file("idp.pem", "not a key\n"), null);

    assertThatThrownBy(() -> new Authenticator(vertx, ADMIN_TOKEN, settings))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("JWT_PUBLIC_KEY_FILE: ");
  }

  @Test
  void anEcPublicKeyForRs256IsRefusedNamingTheFile(Vertx vertx) throws Exception {
    AuthSettings settings = settings("RS256", file("idp.pem", pem(publicKey("EC"))), null);

    assertThatThrownBy(() -> new Authenticator(vertx, ADMIN_TOKEN, settings))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("JWT_PUBLIC_KEY_FILE: ");
  }

  @Test
  void anRsaPublicKeyForRs256IsTaken(Vertx vertx) throws Exception {
    AuthSettings settings = settings("RS256", file("idp.pem", pem(publicKey("RSA"))), null);

    assertThat(new Authenticator(vertx, ADMIN_TOKEN, settings)).isNotNull();
  }

  @Test
  void aJwksFileThatIsNotJsonIsRefusedNamingIt(Vertx vertx) throws IOException {
    AuthSettings settings = settings("ES256", null, file("jwks.json", "<keys/>"));

    assertThatThrownBy(() -> new Authenticator(vertx, ADMIN_TOKEN, settings))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("JWT_JWKS_FILE: ");
  }

  @Test
  void aJwksWithoutAKeyForTheAlgorithmIsRefusedNamingIt(Vertx vertx) throws Exception {
    RSAPublicKey rsa = (RSAPublicKey) publicKey("RSA");
    JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", "rsa")
      .put("n", base64Url(rsa.getModulus())).put("e", base64Url(rsa.getPublicExponent()));
    AuthSettings settings = settings("ES256", null, file("jwks.json",
      new JsonObject().put("keys", new JsonArray().add(jwk)).encode()));

    assertThatThrownBy(() -> new Authenticator(vertx, ADMIN_TOKEN, settings))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("JWT_JWKS_FILE: ");
  }
}
