package io.cidrotator.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision of DialerAccess; the HTTP side is in {@code http.DialerAccessTest}. */
class DialerAccessTest {

  private static final String KEY = "dialer-key-one-0123456789";

  private static DialerAccess access(List<String> keys, List<String> networks) {
    return new DialerAccess(new AuthSettings(null, "HS256", null, null, null, null, "role", 60, null, keys, networks));
  }

  @Test
  void withNeitherKeysNorNetworksTheRoutesAreOpen() {
    DialerAccess access = access(List.of(), List.of());

    assertThat(access.open()).isTrue();
    assertThat(access.check(null, "203.0.113.9")).isNull();
  }

  @Test
  void keysAloneCloseTheRoutes() {
    assertThat(access(List.of(KEY), List.of()).open()).isFalse();
  }

  @Test
  void networksAloneCloseTheRoutes() {
    assertThat(access(List.of(), List.of("10.0.0.0/8")).open()).isFalse();
  }

  @Test
  void aMissingKeyIsA401() {
    AuthFailure refused = access(List.of(KEY), List.of()).check(null, "10.0.0.1");

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.getMessage()).startsWith("key: ");
  }

  @Test
  void anEmptyKeyIsA401() {
    assertThat(access(List.of(KEY), List.of()).check("", "10.0.0.1").status()).isEqualTo(401);
  }

  @Test
  void theRightKeyFromAnyAddressIsAllowedWithoutNetworks() {
    assertThat(access(List.of(KEY), List.of()).check(KEY, "203.0.113.9")).isNull();
  }

  @Test
  void anAddressOutsideTheNetworksIsA403NamingIt() {
    AuthFailure refused = access(List.of(), List.of("10.0.0.0/8", "2001:db8::/32")).check(null, "203.0.113.9");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.getMessage()).contains("203.0.113.9", "ALLOWED_DIALER_IPS");
  }

  @Test
  void anAddressInAnyOfTheNetworksIsAllowed() {
    DialerAccess access = access(List.of(), List.of("10.0.0.0/8", "2001:db8::/32"));

    assertThat(access.check(null, "2001:db8::7")).isNull();
    assertThat(access.check(null, "::ffff:10.1.1.1")).isNull();
  }

  @Test
  void theAddressIsCheckedBeforeTheKey() {
    assertThat(access(List.of(KEY), List.of("10.0.0.0/8")).check(null, "203.0.113.9").status()).isEqualTo(403);
  }

  @Test
  void withBothTheAddressAndTheKeyMustBeRight() {
    DialerAccess access = access(List.of(KEY), List.of("10.0.0.0/8"));

    assertThat(access.check(KEY, "10.0.0.1")).isNull();
    assertThat(access.check("wrong-key-0123456789", "10.0.0.1").status()).isEqualTo(401);
  }
}
