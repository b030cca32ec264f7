package io.cidrotator.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a network of one. */
public record Cidr(byte[] network, int prefix) {

  public static Cidr parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length > 2 || !parts[0].matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("not an address or CIDR network: '" + text + "'");
    }
    byte[] address = literal(parts[0]);
    if (address == null) {
      throw new IllegalArgumentException("not an address or CIDR network: '" + text + "'");
    }
    int prefix = address.length * 8;
    if (parts.length == 2) {
      try {
        prefix = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException("bad prefix length in '" + text + "'");
      }
    }
    return new Cidr(address, prefix);
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

  /** The bytes of an IP literal; null for anything else (never a DNS lookup: only digits, dots, colons). */
  private static byte[] literal(String text) {
    if (text == null || text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+")) {
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
