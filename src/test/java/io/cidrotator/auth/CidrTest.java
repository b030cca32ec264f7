package io.cidrotator.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

  @Test
  void anIpv4NetworkContainsTheAddressesUnderItsPrefix() {
    Cidr network = Cidr.parse("10.0.0.0/8");

    assertThat(network.contains("10.0.0.1")).isTrue();
    assertThat(network.contains("10.255.255.255")).isTrue();
    assertThat(network.contains("11.0.0.1")).isFalse();
  }

  @Test
  void aPrefixThatIsNotAWholeNumberOfBytesSplitsTheByte() {
    Cidr network = Cidr.parse("192.168.1.0/25");

    assertThat(network.contains("192.168.1.127")).isTrue();
    assertThat(network.contains("192.168.1.128")).isFalse();
  }

  @Test
  void aBareAddressIsANetworkOfOne() {
    Cidr network = Cidr.parse("192.0.2.7");

    assertThat(network.prefix()).isEqualTo(32);
    assertThat(network.contains("192.0.2.7")).isTrue();
    assertThat(network.contains("192.0.2.8")).isFalse();
  }

  @Test
  void prefixZeroContainsEveryAddressOfItsFamilyOnly() {
    assertThat(Cidr.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
    assertThat(Cidr.parse("0.0.0.0/0").contains("2001:db8::1")).isFalse();
    assertThat(Cidr.parse("::/0").contains("2001:db8::1")).isTrue();
  }

  @Test
  void anIpv6NetworkContainsTheAddressesUnderItsPrefix() {
    Cidr network = Cidr.parse("2001:db8::/32");

    assertThat(network.contains("2001:db8:1::5")).isTrue();
    assertThat(network.contains("2001:DB8::ABCD")).isTrue();
    assertThat(network.contains("2001:db9::1")).isFalse();
  }

  @Test
  void theIpv6LoopbackIsANetworkOfOne() {
    assertThat(Cidr.parse("::1").contains("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(Cidr.parse("::1").contains("::2")).isFalse();
  }

  @Test
  void anIpv4ClientSeenOnADualStackSocketMatchesItsIpv4Network() {
    assertThat(Cidr.parse("10.0.0.0/8").contains("::ffff:10.1.2.3")).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains("::ffff:11.1.2.3")).isFalse();
  }

  @Test
  void anIpv4MappedNetworkIsTheIpv4NetworkOfTheSameAddresses() {
    Cidr network = Cidr.parse("::ffff:10.0.0.0/104");

    assertThat(network.contains("10.9.8.7")).isTrue();
    assertThat(network.contains("11.0.0.1")).isFalse();
  }

  @Test
  void anAddressOfTheOtherFamilyIsNeverContained() {
    assertThat(Cidr.parse("10.0.0.0/8").contains("2001:db8::1")).isFalse();
    assertThat(Cidr.parse("2001:db8::/32").contains("10.0.0.1")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not-an-address", "localhost", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/x",
    "10.0.0.0/8/8", "2001:db8::/129", "256.1.1.1", "10.0.0", "10/8", "127.1", "2130706433", "dead.beef", "1.2.3.4 ",
    "fe80::1%eth0", "2001:db8:::1"})
  void anythingButAnAddressOrNetworkIsRejected(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("'" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "unknown", "10.1", "10.0.0.1:5060", "fe80::1%eth0"})
  void aClientAddressThatIsNotAnIpLiteralIsNeverContained(String address) {
    assertThat(Cidr.parse("0.0.0.0/0").contains(address)).isFalse();
  }
}
