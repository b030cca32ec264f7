package io.cidrotator.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a network of one. */
public record Cidr(byte[] network, int prefix) {

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

  public static Cidr parse(String text) {
    String[] parts = text.split("/", -1);
    byte[] address = parts.length > 2 ? null : literal(parts[0]);
    if (address == null) {
      throw new IllegalArgumentException("not an address or CIDR network: '" + text + "'");
    }
    int written = parts[0].contains(":") ? 128 : 32;
    int prefix = written;
    if (parts.length == 2) {
      try {
        prefix = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        prefix = -1;
      }
    }
    // ::ffff:10.0.0.0/104 is the IPv4 network 10.0.0.0/8: the address came back as its 4 IPv4 bytes.
    int mapped = written - address.length * 8;
    if (prefix < mapped || prefix > written) {
      throw new IllegalArgumentException("bad prefix length in '" + text + "'");
    }
    return new Cidr(address, prefix - mapped);
  }

  /** Whether {@code address} (an IP literal) lies in this network. */
  public boolean contains(String address) {
    byte[] bytes = literal(address);
    if (bytes == null || bytes.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    if (!Arrays.equals(bytes, 0, full, network, 0, full)) {
      return false;
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (bytes[full] & mask) == (network[full] & mask);
  }

  /**
   * The bytes of an IP literal; null for anything else. Only a dotted quad or text with a colon reaches
   * InetAddress, which would read "10" as 0.0.0.10 and "127.1" as 127.0.0.1, and look a name such as
   * "dead.beef" up in DNS.
   */
  private static byte[] literal(String text) {
    if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
      return null;
    }
    try {
      byte[] bytes = InetAddress.getByName(text).getAddress();
      // ::ffff:10.0.0.1 is how an IPv4 client can look on a dual-stack socket.
      if (bytes.length == 16 && isMappedV4(bytes)) {
        return Arrays.copyOfRange(bytes, 12, 16);
      }
      return bytes;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isMappedV4(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }
}
