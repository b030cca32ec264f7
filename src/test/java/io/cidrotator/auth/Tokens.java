package io.cidrotator.auth;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * JWTs for the tests, made with the JDK's own crypto rather than vertx-auth, so the server's checks meet
 * a second implementation: HS256/HS512 with a secret, RS256 and ES256 with a private key, unsigned
 * ({@code alg: none}) and tampered tokens; and the key files (PEM, JWKS) an identity provider publishes.
 */
public final class Tokens {

  private Tokens() {
  }

  /** {@code sub}, {@code role}, issued now, expiring in five minutes. */
  public static JsonObject claims(String subject, String role) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", subject).put("role", role).put("iat", now).put("exp", now + 300);
  }

  public static String hs256(JsonObject claims, String secret) {
    return hmac("HS256", "HmacSHA256", claims, secret.getBytes(StandardCharsets.UTF_8));
  }

  public static String hs512(JsonObject claims, String secret) {
    return hmac("HS512", "HmacSHA512", claims, secret.getBytes(StandardCharsets.UTF_8));
  }

  public static String rs256(JsonObject claims, PrivateKey key, String kid) {
    return signed(header("RS256", kid), claims, key, "SHA256withRSA");
  }

  /** ES256 signatures are the raw R || S pair (RFC 7518 3.4), not DER. */
  public static String es256(JsonObject claims, PrivateKey key, String kid) {
    return signed(header("ES256", kid), claims, key, "SHA256withECDSAinP1363Format");
  }

  /** {@code alg: none}: header, payload and an empty signature. */
  public static String unsigned(JsonObject claims) {
    return encode(header("none", null)) + "." + encode(claims) + ".";
  }

  /** {@code token} with its payload replaced and its header and signature kept. */
  public static String withPayload(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + encode(claims) + "." + parts[2];
  }

  /** {@code token} with its header replaced and its payload and signature kept. */
  public static String withHeader(String token, JsonObject header) {
    String[] parts = token.split("\\.");
    return encode(header) + "." + parts[1] + "." + parts[2];
  }

  /** The claims of a token, read without checking anything. */
  public static JsonObject payload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  public static KeyPair rsaKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
  public static String pem(PublicKey key) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  /** A JWK of an RSA or P-256 public key, without "alg" (identity providers often leave it out). */
  public static JsonObject jwk(PublicKey key, String kid) {
    JsonObject jwk = new JsonObject().put("kid", kid).put("use", "sig");
    if (key instanceof RSAPublicKey rsa) {
      return jwk.put("kty", "RSA").put("n", unsigned(rsa.getModulus(), 0)).put("e", unsigned(rsa.getPublicExponent(), 0));
    }
    ECPublicKey ec = (ECPublicKey) key;
    return jwk.put("kty", "EC").put("crv", "P-256")
      .put("x", unsigned(ec.getW().getAffineX(), 32))
      .put("y", unsigned(ec.getW().getAffineY(), 32));
  }

  /** Writes {@code text} to a new temporary file, deleted when the JVM exits; its path. */
  public static String file(String prefix, String text) {
    try {
      Path file = Files.createTempFile(prefix, null);
      file.toFile().deleteOnExit();
      return Files.writeString(file, text).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject header(String alg, String kid) {
    JsonObject header = new JsonObject().put("alg", alg).put("typ", "JWT");
    return kid == null ? header : header.put("kid", kid);
  }

  private static String hmac(String alg, String macAlgorithm, JsonObject claims, byte[] secret) {
    String input = encode(header(alg, null)) + "." + encode(claims);
    try {
      Mac mac = Mac.getInstance(macAlgorithm);
      mac.init(new SecretKeySpec(secret, macAlgorithm));
      return input + "." + base64Url(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String signed(JsonObject header, JsonObject claims, PrivateKey key, String algorithm) {
    String input = encode(header) + "." + encode(claims);
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + base64Url(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(JsonObject json) {
    return base64Url(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A big-endian unsigned integer, left-padded to {@code length} bytes when given (EC coordinates). */
  private static String unsigned(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (bytes.length < length) {
      byte[] padded = new byte[length];
      System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
      bytes = padded;
    }
    return base64Url(bytes);
  }
}
