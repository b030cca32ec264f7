package io.cidrotator.alert;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The {@code X-CidRotator-Signature} header of a delivery: {@code sha256=} and the hex HMAC-SHA256 of the body's bytes
 * under the webhook's secret. A receiver computes the same over the body it received and compares in constant time.
 */
public final class Signature {

  public static final String HEADER = "X-CidRotator-Signature";

  private Signature() {
  }

  public static String of(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
