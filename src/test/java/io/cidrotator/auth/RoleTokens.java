package io.cidrotator.auth;

import io.cidrotator.auth.Authenticator;
import io.vertx.core.json.JsonObject;

/** JWTs as the server itself would issue them: HS256 with the server's SECRET_KEY, our issuer, a role. */
public final class RoleTokens {

  /** The SECRET_KEY the tests that mint tokens give their server. */
  public static final String SECRET_KEY = "test-secret-key-of-at-least-32-characters-0123";

  private RoleTokens() {
  }

  public static JsonObject serverSettings() {
    return new JsonObject().put("SECRET_KEY", SECRET_KEY);
  }

  /** {@code Authorization} header value of a viewer named {@code subject}, valid five minutes. */
  public static String bearer(String subject) {
    return bearer(subject, "viewer");
  }

  /** {@code Authorization} header value of {@code subject} with {@code role}, valid five minutes. */
  public static String bearer(String subject, String role) {
    return "Bearer " + Tokens.hs256(Tokens.claims(subject, role).put("iss", Authenticator.ISSUER), SECRET_KEY);
  }
}
