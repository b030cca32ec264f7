package io.cidrotator.http;

import io.cidrotator.auth.Authenticator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** JWTs as the server itself issues them (HS256 with SECRET_KEY), for tests of the roles. */
final class TestTokens {

  /** The SECRET_KEY of a test server that accepts {@link #bearer}'s tokens. */
  static final String SECRET_KEY = "test-secret-key-0123456789-abcdefghij";

  private TestTokens() {
  }

  /** {@code Bearer <jwt>} for {@code subject} with {@code role}, valid for ten minutes. */
  static String bearer(Vertx vertx, String subject, String role) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET_KEY)));
    String token = jwt.generateToken(
      new JsonObject()
        .put("sub", subject)
        .put("role", role)
        .put("iss", Authenticator.ISSUER)
        .put("exp", System.currentTimeMillis() / 1000 + 600),
      new JWTOptions().setAlgorithm("HS256"));
    return "Bearer " + token;
  }
}
