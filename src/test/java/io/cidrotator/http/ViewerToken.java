package io.cidrotator.http;

import io.cidrotator.auth.Authenticator;
import io.vertx.core.json.JsonObject;

/** A viewer's JWT as the server itself would issue it: HS256 with the server's SECRET_KEY. */
final class ViewerToken {

  /** The SECRET_KEY the tests that mint tokens give their server. */
  static final String SECRET_KEY = "test-secret-key-of-at-least-32-characters-0123";

  private ViewerToken() {
  }

  static JsonObject serverSettings() {
    return new JsonObject().put("SECRET_KEY", SECRET_KEY);
  }

  /** {@code Authorization} header value of a viewer named {@code subject}, valid five minutes. */
  static String bearer(String subject) {
    return "Bearer " + Tokens.hs256(Tokens.claims(subject, "viewer").put("iss", Authenticator.ISSUER), SECRET_KEY);
  }
}
