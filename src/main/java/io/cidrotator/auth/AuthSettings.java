package io.cidrotator.auth;

import java.util.List;

/**
 * Authentication settings, validated by {@code AppConfig}.
 *
 * @param secretKey          SECRET_KEY: signs (HS256) the tokens {@code POST /api/auth/token} issues; null = a
 *                           random key per process (tokens then die with a restart and are not shared between servers)
 * @param algorithm          JWT_ALGORITHM: HS256 (only our own tokens), or RS256 / ES256 to also accept tokens of the
 *                           call center's identity provider, verified with {@code publicKeyFile} or {@code jwksFile}
 * @param issuer             JWT_ISSUER: the {@code iss} an identity provider's token must carry (null = not checked)
 * @param audience           JWT_AUDIENCE: a value an identity provider's token must have in {@code aud}, so a token
 *                           it issued to another application is refused (null = not checked)
 * @param roleClaim          JWT_ROLE_CLAIM: the claim that holds {@code admin} or {@code viewer}
 * @param tokenTtlMinutes    TOKEN_TTL_MINUTES: lifetime of the tokens we issue
 * @param usersFile          USERS_FILE: {@code name:role:bcrypt-hash} lines, or null
 * @param dialerKeys         DIALER_KEYS: keys accepted as {@code ?key=} on the dialer routes (empty = none required)
 * @param dialerNetworks     ALLOWED_DIALER_IPS: CIDRs allowed on the dialer routes (empty = any address)
 */
public record AuthSettings(
  String secretKey,
  String algorithm,
  String publicKeyFile,
  String jwksFile,
  String issuer,
  String audience,
  String roleClaim,
  int tokenTtlMinutes,
  String usersFile,
  List<String> dialerKeys,
  List<String> dialerNetworks) {

  @Override
  public String toString() {
    // Records print every component; this one holds secrets.
    return "AuthSettings[algorithm=" + algorithm + ", users=" + (usersFile != null) + ", dialerKeys="
      + dialerKeys.size() + ", dialerNetworks=" + dialerNetworks + "]";
  }
}
