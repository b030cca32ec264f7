package io.cidrotator.auth;

import java.security.MessageDigest;
import java.util.List;

/**
 * Who may call the dialer routes (/next-cid, /release): with DIALER_KEYS a {@code key} query parameter
 * (Asterisk 13's CURL() cannot set headers), with ALLOWED_DIALER_IPS a client address in one of the
 * networks; with neither, anyone who reaches the port.
 */
public final class DialerAccess {

  private final List<byte[]> keyDigests;
  private final List<Cidr> networks;

  public DialerAccess(AuthSettings settings) {
    this.keyDigests = settings.dialerKeys().stream().map(Authenticator::sha256).toList();
    this.networks = settings.dialerNetworks().stream().map(Cidr::parse).toList();
  }

  public boolean open() {
    return keyDigests.isEmpty() && networks.isEmpty();
  }

  /** Whether ALLOWED_DIALER_IPS (when set) lets {@code remoteAddress} in; keys are not looked at. */
  public boolean admits(String remoteAddress) {
    return networks.isEmpty() || networks.stream().anyMatch(n -> n.contains(remoteAddress));
  }

  /** Null when allowed; otherwise the reason, for a 401 (key) or 403 (address) body. */
  public AuthFailure check(String key, String remoteAddress) {
    if (!admits(remoteAddress)) {
      return new AuthFailure.Forbidden("client address " + remoteAddress + " is not in ALLOWED_DIALER_IPS");
    }
    if (!keyDigests.isEmpty()) {
      if (key == null || key.isEmpty()) {
        return new AuthFailure("key: a dialer key is required (DIALER_KEYS is set)");
      }
      byte[] digest = Authenticator.sha256(key);
      boolean match = false;
      for (byte[] candidate : keyDigests) {
        // Every key is compared, so the time taken does not tell which one came close.
        match |= MessageDigest.isEqual(candidate, digest);
      }
      if (!match) {
        return new AuthFailure("key: not a valid dialer key");
      }
    }
    return null;
  }
}
