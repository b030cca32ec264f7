package io.cidrotator.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a bearer credential into an {@link Identity}: the static ADMIN_TOKEN (compared in constant time) or
 * a JWT. Our own tokens are HS256 with SECRET_KEY; with JWT_ALGORITHM RS256/ES256 an identity provider's
 * tokens are accepted too, verified with its public key. Each key is bound to its one algorithm, so
 * {@code alg: none} and an HS256 token signed with a public key (key confusion) find no verifier.
 */
public final class Authenticator {

  public static final String ISSUER = "cid-rotator";
  /** The claim of a token issued for a USERS_FILE login: each request checks the file still holds the user. */
  static final String USERS_FILE = "users_file";
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

  private final byte[] adminTokenDigest;
  private final AuthSettings settings;
  private final JWTAuth jwt;

  public Authenticator(Vertx vertx, String adminToken, AuthSettings settings) {
    this.adminTokenDigest = sha256(adminToken);
    this.settings = settings;
    this.jwt = JWTAuth.create(vertx, options(vertx, settings));
  }

  /** The random key used when SECRET_KEY is unset: one per JVM, so every router instance shares it. */
  private static final String PROCESS_SECRET = randomSecret();

  private static JWTAuthOptions options(Vertx vertx, AuthSettings settings) {
    String secret = settings.secretKey() != null ? settings.secretKey() : PROCESS_SECRET;
    JWTAuthOptions options = new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
      .setJWTOptions(new JWTOptions().setLeeway(5));
    if (settings.publicKeyFile() != null) {
      options.addPubSecKey(publicKey(vertx, settings));
    }
    if (settings.jwksFile() != null) {
      jwks(settings).forEach(options::addJwk);
    }
    return options;
  }

  /** The key of JWT_PUBLIC_KEY_FILE, tried on its own so that a bad file stops start-up naming the setting. */
  private static PubSecKeyOptions publicKey(Vertx vertx, AuthSettings settings) {
    PubSecKeyOptions key = new PubSecKeyOptions()
      .setAlgorithm(settings.algorithm())
      .setBuffer(read(settings.publicKeyFile()));
    try {
      JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key));
      return key;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("JWT_PUBLIC_KEY_FILE: not a PEM " + settings.algorithm()
        + " public key or certificate (" + e.getMessage() + ")");
    }
  }

  /**
   * The signing keys of JWT_JWKS_FILE for JWT_ALGORITHM. vertx-auth only logs a key it cannot use, so a
   * file without one would leave every provider token refused: that stops start-up instead.
   */
  private static List<JsonObject> jwks(AuthSettings settings) {
    JsonArray keys;
    try {
      keys = new JsonObject(read(settings.jwksFile())).getJsonArray("keys", new JsonArray());
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("JWT_JWKS_FILE: not a JWKS document {\"keys\": [...]}");
    }
    String type = settings.algorithm().equals("ES256") ? "EC" : "RSA";
    List<JsonObject> usable = new ArrayList<>();
    for (Object key : keys) {
      if (key instanceof JsonObject jwk && type.equals(jwk.getString("kty")) && !"enc".equals(jwk.getString("use"))) {
        // A JWK without "alg" would verify whatever algorithm its key type allows: pin it.
        usable.add(jwk.copy().put("alg", settings.algorithm()));
      }
    }
    if (usable.isEmpty()) {
      throw new IllegalArgumentException("JWT_JWKS_FILE: no " + type + " signing key for " + settings.algorithm());
    }
    return usable;
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
      .recover(e -> Future.failedFuture(new AuthFailure("invalid token: " + reason(e, credential))))
      // The principal lacks exp, iat and nbf: vertx-auth keeps the whole claim set under "accessToken".
      .compose(user -> identity(user.attributes().getJsonObject("accessToken"), signedWithSecretKey(credential)));
  }

  /**
   * Whether a verified token is HS256, which only SECRET_KEY verifies (the provider's keys are pinned to
   * RS256/ES256). The header is signed, so a provider's token cannot pass for ours by claiming our issuer.
   */
  private static boolean signedWithSecretKey(String token) {
    int dot = token.indexOf('.');
    if (dot < 0) {
      return false;
    }
    try {
      byte[] header = Base64.getUrlDecoder().decode(token.substring(0, dot));
      return "HS256".equals(new JsonObject(new String(header, StandardCharsets.UTF_8)).getString("alg"));
    } catch (RuntimeException e) {
      // Not a JWT header: verification fails on it anyway.
      return false;
    }
  }

  private Future<User> verify(String token) {
    try {
      return jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth throws, rather than fails, on some claims of the wrong type (an "exp" that is text).
      return Future.failedFuture(e);
    }
  }

  private Future<Identity> identity(JsonObject claims, boolean signedWithSecretKey) {
    if (!(claims.getValue("exp") instanceof Number)) {
      return Future.failedFuture(new AuthFailure("invalid token: it has no expiry (exp)"));
    }
    boolean ours = signedWithSecretKey && ISSUER.equals(claims.getString("iss"));
    if (!ours && settings.issuer() != null && !settings.issuer().equals(claims.getString("iss"))) {
      return Future.failedFuture(new AuthFailure("invalid token: unexpected issuer"));
    }
    if (!ours && settings.audience() != null && !audienceHolds(claims.getValue("aud"), settings.audience())) {
      return Future.failedFuture(new AuthFailure("invalid token: it is not meant for this server (aud)"));
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
    // Only a token this server issued for a USERS_FILE login says so; one minted with SECRET_KEY for a service does not.
    return Future.succeededFuture(new Identity(subject, role, ours && Boolean.TRUE.equals(claims.getValue(USERS_FILE))));
  }

  private static boolean audienceHolds(Object aud, String audience) {
    return aud instanceof JsonArray list ? list.contains(audience) : audience.equals(aud);
  }

  private static Role highest(JsonArray roles) {
    return roles.contains("admin") ? Role.ADMIN : roles.contains("viewer") ? Role.VIEWER : null;
  }

  /** A token for {@code identity}, valid TOKEN_TTL_MINUTES; answers {@code {token, token_type, expires_in, role}}. */
  public JsonObject issue(Identity identity) {
    return issue(identity, System.currentTimeMillis() / 1000);
  }

  /**
   * A token for {@code identity} whose session began at {@code authTime} (epoch seconds, kept across refreshes
   * in the {@code auth_time} claim, so no chain of refreshes outlives {@link #MAX_SESSION_SECONDS}).
   */
  private JsonObject issue(Identity identity, long authTime) {
    int seconds = settings.tokenTtlMinutes() * 60;
    JsonObject claims = new JsonObject().put("role", identity.role().label()).put("auth_time", authTime);
    if (identity.usersFile()) {
      claims.put(USERS_FILE, true);
    }
    String token = jwt.generateToken(claims, new JWTOptions()
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

  /** How long a login lasts, refreshes included: after this the password (or admin token) is asked again. */
  public static final long MAX_SESSION_SECONDS = 12 * 3600;

  /**
   * A new token for a still valid one of ours (not the admin token itself, not an identity provider's: their
   * sessions are theirs to end), within {@link #MAX_SESSION_SECONDS} of its login. {@code currentRole} says
   * what the subject may be now (USERS_FILE may have changed since); null refuses the refresh.
   */
  public Future<JsonObject> refresh(String header, Function<Identity, Role> currentRole) {
    String credential = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
      ? header.substring(7).trim() : "";
    if (!signedWithSecretKey(credential)) {
      return Future.failedFuture(new AuthFailure("only a token from POST /api/auth/token can be refreshed"));
    }
    return verify(credential)
      .recover(e -> Future.failedFuture(new AuthFailure("invalid token: " + reason(e, credential))))
      .compose(user -> {
        JsonObject claims = user.attributes().getJsonObject("accessToken");
        Object authTime = claims.getValue("auth_time");
        long now = System.currentTimeMillis() / 1000;
        if (!(authTime instanceof Number started) || now - started.longValue() > MAX_SESSION_SECONDS) {
          return Future.failedFuture(new AuthFailure("the session is over: log in again"));
        }
        return identity(claims, true)
          .compose(identity -> {
            Role role = currentRole.apply(identity);
            return role == null
              ? Future.failedFuture(new AuthFailure(identity.subject() + " may no longer log in"))
              : Future.succeededFuture(issue(new Identity(identity.subject(), role, identity.usersFile()),
                started.longValue()));
          });
      });
  }

  /** Whether {@code credential} is the static admin token, in constant time. */
  public boolean isAdminToken(String credential) {
    return credential != null && MessageDigest.isEqual(adminTokenDigest, sha256(credential));
  }

  private static String reason(Throwable e, String token) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("expired")) {
      // vertx-auth says "expired" for every time claim; a token not valid yet says when it will be.
      return notValidYet(token);
    }
    if (message.contains("ignature") || message.contains("not supported") || message.contains("lgorithm")) {
      return "its signature or algorithm is not accepted";
    }
    return "it cannot be decoded";
  }

  /**
   * Why a token vertx-auth found out of its time is: not valid before its {@code nbf}, issued in the future
   * ({@code iat}), or expired. Read from the token's claims, after vertx-auth checked its signature.
   */
  static String notValidYet(String token) {
    try {
      int start = token.indexOf('.') + 1;
      String payload = new String(Base64.getUrlDecoder().decode(token.substring(start, token.indexOf('.', start))),
        StandardCharsets.UTF_8);
      JsonObject claims = new JsonObject(payload);
      long now = Instant.now().getEpochSecond();
      if (claims.getValue("nbf") instanceof Number nbf && nbf.longValue() > now) {
        return "it is not valid before " + Instant.ofEpochSecond(nbf.longValue()) + " (nbf; this server's clock says "
          + Instant.ofEpochSecond(now) + ")";
      }
      if (claims.getValue("iat") instanceof Number iat && iat.longValue() > now) {
        return "it was issued in the future, at " + Instant.ofEpochSecond(iat.longValue()) + " (iat; this server's "
          + "clock says " + Instant.ofEpochSecond(now) + ")";
      }
    } catch (RuntimeException e) {
      // Not decodable as claims: vertx-auth's own word stands.
    }
    return "it has expired";
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
