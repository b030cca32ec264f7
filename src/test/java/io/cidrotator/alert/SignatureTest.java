package io.cidrotator.alert;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The signature header's value against the published HMAC-SHA256 test vector (RFC 4231 style, Wikipedia's). */
class SignatureTest {

  @Test
  void itIsTheHexHmacSha256OfTheBodyUnderTheSecret() {
    byte[] body = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);

    assertThat(Signature.of("key", body))
      .isEqualTo("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    assertThat(Signature.of("other key", body)).isNotEqualTo(Signature.of("key", body));
  }
}
