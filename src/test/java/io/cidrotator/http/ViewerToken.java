package io.cidrotator.http;

import io.cidrotator.auth.Authenticator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** A viewer's JWT as the server itself would issue it: HS256 with the server's SECRET_KEY. */
final class ViewerToken {

  /** The SECRET_KEY the tests that mint tokens give their server. */
  static final String SECRET_KEY = "test-secret-key-of-at-least-32-characters-0123";

  private ViewerToken() {
  }

  static JsonObject serverSettings() {
    return new JsonObject().put("SECRET_KEY", SECRET_KEY);
  }

  /** {@code Authorization} header value of a viewer named {@code subject}, valid ten minutes. */
  static String bearer(Vertx vertx, String subject) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET_KEY)));
    String token = jwt.generateToken(new JsonObject().put("role", "viewer"), new JWTOptions()
      .setAlgorithm("HS256")
      .setSubject(subject)
      .setIssuer(Authenticator.ISSUER)
      .setExpiresInSeconds(600));
    return "Bearer " + token;
  }
}
