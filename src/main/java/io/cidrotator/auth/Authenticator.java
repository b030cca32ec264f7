package io.cidrotator.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Turns a bearer credential into an {@link Identity}: the static ADMIN_TOKEN (compared in constant time) or
 * a JWT. Our own tokens are HS256 with SECRET_KEY; with JWT_ALGORITHM RS256/ES256 an identity provider's
 * tokens are accepted too, verified with its public key. Each key is bound to its one algorithm, so
 * {@code alg: none} and an HS256 token signed with a public key (key confusion) find no verifier.
 */
public final class Authenticator {

  public static final String ISSUER = "cid-rotator";
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

  private final byte[] adminTokenDigest;
  private final AuthSettings settings;
  private final JWTAuth jwt;

  public Authenticator(Vertx vertx, String adminToken, AuthSettings settings) {
    this.adminTokenDigest = sha256(adminToken);
    this.settings = settings;
    this.jwt = JWTAuth.create(vertx, options(settings));
  }

  /** The random key used when SECRET_KEY is unset: one per JVM, so every router instance shares it. */
  private static final String PROCESS_SECRET = randomSecret();

  private static JWTAuthOptions options(AuthSettings settings) {
    String secret = settings.secretKey() != null ? settings.secretKey() : PROCESS_SECRET;
    JWTAuthOptions options = new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
      .setJWTOptions(new JWTOptions().setLeeway(5));
    if (settings.publicKeyFile() != null) {
      options.addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm(settings.algorithm())
        .setBuffer(read(settings.publicKeyFile())));
    }
    if (settings.jwksFile() != null) {
      JsonArray keys = new JsonObject(read(settings.jwksFile())).getJsonArray("keys", new JsonArray());
      for (int i = 0; i < keys.size(); i++) {
        JsonObject key = keys.getJsonObject(i);
        // A JWK without "alg" would verify whatever algorithm its key type allows: pin it.
        options.addJwk(key.copy().put("alg", settings.algorithm()));
      }
    }
    return options;
  }

  /** Logs, once at start-up, what a missing SECRET_KEY means. */
  public void warnIfEphemeral() {
    if (settings.secretKey() == null) {
      LOG.warn("SECRET_KEY is not set: dashboard tokens are signed with a random key of this process; they end "
        + "with a restart and are not accepted by other instances");
    }
  }

  /**
   * The identity of an {@code Authorization} header value; fails with {@link AuthFailure} (401) when it is
   * missing, malformed, expired or forged.
   */
  public Future<Identity> authenticate(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new AuthFailure(
        "missing credentials: send Authorization: Bearer <ADMIN_TOKEN or token from POST /api/auth/token>"));
    }
    String credential = header.substring(7).trim();
    // Digests have a fixed length, so the comparison time says nothing about the token's length either.
    if (MessageDigest.isEqual(adminTokenDigest, sha256(credential))) {
      return Future.succeededFuture(new Identity(Identity.ADMIN_TOKEN_SUBJECT, Role.ADMIN));
    }
    if (credential.chars().filter(c -> c == '.').count() != 2) {
      return Future.failedFuture(new AuthFailure("invalid bearer token"));
    }
    return verify(credential)
      .recover(e -> Future.failedFuture(new AuthFailure("invalid token: " + reason(e))))
      // The principal lacks exp, iat and nbf: vertx-auth keeps the whole claim set under "accessToken".
      .compose(user -> identity(user.attributes().getJsonObject("accessToken")));
  }

  private Future<User> verify(String token) {
    try {
      return jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth throws, rather than fails, on some claims of the wrong type (an "exp" that is text).
      return Future.failedFuture(e);
    }
  }

  private Future<Identity> identity(JsonObject claims) {
    if (!(claims.getValue("exp") instanceof Number)) {
      return Future.failedFuture(new AuthFailure("invalid token: it has no expiry (exp)"));
    }
    boolean ours = ISSUER.equals(claims.getString("iss"));
    if (!ours && settings.issuer() != null && !settings.issuer().equals(claims.getString("iss"))) {
      return Future.failedFuture(new AuthFailure("invalid token: unexpected issuer"));
    }
    String subject = claims.getString("sub");
    if (subject == null || subject.isBlank()) {
      return Future.failedFuture(new AuthFailure("invalid token: it has no subject (sub)"));
    }
    Object claim = claims.getValue(ours ? "role" : settings.roleClaim());
    Role role = claim instanceof JsonArray roles ? highest(roles) : Role.of(claim == null ? null : claim.toString());
    if (role == null) {
      return Future.failedFuture(new AuthFailure.Forbidden("the token carries no admin or viewer role"));
    }
    return Future.succeededFuture(new Identity(subject, role));
  }

  private static Role highest(JsonArray roles) {
    return roles.contains("admin") ? Role.ADMIN : roles.contains("viewer") ? Role.VIEWER : null;
  }

  /** A token for {@code identity}, valid TOKEN_TTL_MINUTES; answers {@code {token, token_type, expires_in, role}}. */
  public JsonObject issue(Identity identity) {
    int seconds = settings.tokenTtlMinutes() * 60;
    String token = jwt.generateToken(new JsonObject().put("role", identity.role().label()), new JWTOptions()
      .setAlgorithm("HS256")
      .setSubject(identity.subject())
      .setIssuer(ISSUER)
      .setExpiresInSeconds(seconds));
    return new JsonObject()
      .put("token", token)
      .put("token_type", "Bearer")
      .put("expires_in", seconds)
      .put("subject", identity.subject())
      .put("role", identity.role().label());
  }

  /** Whether {@code credential} is the static admin token, in constant time. */
  public boolean isAdminToken(String credential) {
    return credential != null && MessageDigest.isEqual(adminTokenDigest, sha256(credential));
  }

  private static String reason(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("expired")) {
      return "it has expired";
    }
    if (message.contains("ignature") || message.contains("not supported") || message.contains("lgorithm")) {
      return "its signature or algorithm is not accepted";
    }
    return "it cannot be decoded";
  }

  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
