package io.cidrotator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppConfigTest {

  private static final String SECRET = "a-random-secret-key-of-40-characters-xyz";
  private static final String DIALER_KEY = "a-dialer-key-0123456789";

  @TempDir
  Path dir;

  private static JsonObject minimal() {
    return new JsonObject()
      .put("POSTGRES_HOST", "db.example")
      .put("REDIS_HOST", "cache.example")
      .put("ADMIN_TOKEN", "a-long-random-admin-token-123");
  }

  @Test
  void defaultsFollowTheOldToolAndBindToLoopback() {
    AppConfig config = AppConfig.from(minimal().put("TIMEZONE", "America/Chicago"));

    assertThat(config.apiHost()).isEqualTo("127.0.0.1");
    assertThat(config.apiPort()).isEqualTo(8000);
    assertThat(config.reservationTtlSeconds()).isEqualTo(300);
    assertThat(config.rateLimitPerAgent()).isEqualTo(100);
    assertThat(config.hourlyLimit()).isEqualTo(100);
    assertThat(config.dailyLimit()).isEqualTo(500);
    assertThat(config.dialPrefixes()).containsExactly("9");
    assertThat(config.timezone()).isEqualTo(ZoneId.of("America/Chicago"));
    assertThat(config.eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void environmentVariablesOverrideTheConfigFile() {
    JsonObject merged = AppConfig.withEnvironment(minimal().put("API_PORT", 8000),
      Map.of("API_PORT", "9100", "UNRELATED", "x"));

    assertThat(AppConfig.from(merged).apiPort()).isEqualTo(9100);
    assertThat(merged.containsKey("UNRELATED")).isFalse();
  }

  @Test
  void anInvalidSettingStopsStartUpNamingIt() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("API_PORT", "eighty")))
      .hasMessageStartingWith("API_PORT: ");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("DEFAULT_RESERVATION_TTL", "0")))
      .hasMessageStartingWith("DEFAULT_RESERVATION_TTL: ");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("TIMEZONE", "Mars/Olympus")))
      .hasMessageStartingWith("TIMEZONE: ");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("DIAL_PREFIXES", "9,x")))
      .hasMessageStartingWith("DIAL_PREFIXES: ");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("EVENT_LOOPS", "0")))
      .hasMessageStartingWith("EVENT_LOOPS: ");
  }

  @Test
  void aWellKnownOrShortAdminTokenIsRefusedOutsideTheDevMode() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("ADMIN_TOKEN", "change-me")))
      .hasMessageStartingWith("ADMIN_TOKEN: ");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("ADMIN_TOKEN", "short")))
      .hasMessageStartingWith("ADMIN_TOKEN: ");
    assertThat(AppConfig.from(minimal().put("ADMIN_TOKEN", "dev-admin-token").put("DEV_MODE", true)).devMode())
      .isTrue();
  }

  @Test
  void withoutPostgresOrRedisTheServerPointsToTheDevMode() {
    JsonObject noPostgres = minimal();
    noPostgres.remove("POSTGRES_HOST");

    assertThatThrownBy(() -> AppConfig.from(noPostgres))
      .hasMessageStartingWith("POSTGRES_HOST: ")
      .hasMessageContaining("scripts/run");
  }

  @Test
  void urlsStandForTheirSeparateSettings() {
    JsonObject json = new JsonObject()
      .put("POSTGRES_URL", "postgresql://app:s3cret@db.internal:6543/inventory")
      .put("REDIS_URL", "redis://:r3dis@cache.internal:6380/2")
      .put("ADMIN_TOKEN", "a-long-random-admin-token-123");

    AppConfig config = AppConfig.from(json);

    assertThat(List.of(config.postgresHost(), config.postgresPort(), config.postgresDb(), config.postgresUser(),
      config.postgresPassword())).containsExactly("db.internal", 6543, "inventory", "app", "s3cret");
    assertThat(List.of(config.redisHost(), config.redisPort(), config.redisDb(), config.redisPassword()))
      .containsExactly("cache.internal", 6380, 2, "r3dis");
  }

  @Test
  void redisHostMayNameAMasterAndItsReplicas() {
    AppConfig config = AppConfig.from(minimal().put("REDIS_HOST", "redis-a, redis-b:6380").put("REDIS_PASSWORD", "p@ss"));

    assertThat(config.redisEndpoints().servers())
      .containsExactly("redis://:p%40ss@redis-a:6379/0", "redis://:p%40ss@redis-b:6380/0");
    assertThat(config.redisEndpoints().sentinels()).isEmpty();
    assertThat(config.redisEndpoints().toString()).isEqualTo("Redis [redis-a:6379, redis-b:6380]");
  }

  @Test
  void redisSentinelsNameTheMasterSetAndNeedNoRedisHost() {
    AppConfig config = AppConfig.from(minimal().put("REDIS_HOST", "")
      .put("REDIS_SENTINELS", "sentinel-1,sentinel-2:26380").put("REDIS_MASTER_NAME", "cid"));

    assertThat(config.redisEndpoints().sentinels())
      .containsExactly("redis://sentinel-1:26379", "redis://sentinel-2:26380");
    assertThat(config.redisEndpoints().masterName()).isEqualTo("cid");
    assertThat(config.redisEndpoints().toString())
      .isEqualTo("Redis master 'cid' of the sentinels [sentinel-1:26379, sentinel-2:26380]");
  }

  @Test
  void aRedisAddressThatIsNotHostAndPortIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("REDIS_SENTINELS", "sentinel-1:notaport")))
      .hasMessage("REDIS_SENTINELS: expected host or host:port, separated by commas, got 'sentinel-1:notaport'");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("REDIS_HOST", "redis-a,redis b")))
      .hasMessageStartingWith("REDIS_HOST: expected host or host:port");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("REDIS_SENTINELS", "s1").put("REDIS_DB", 2)))
      .hasMessageStartingWith("REDIS_DB: must be 0 with REDIS_SENTINELS");
  }

  @Test
  void toStringNeverShowsSecrets() {
    AppConfig config = AppConfig.from(minimal().put("POSTGRES_PASSWORD", "pg-secret").put("REDIS_PASSWORD", "rd-secret"));

    assertThat(config.toString()).doesNotContain("pg-secret", "rd-secret", "a-long-random-admin-token-123");
  }

  private String file(String name) throws IOException {
    return Files.writeString(dir.resolve(name), "-----BEGIN PUBLIC KEY-----\n").toString();
  }

  @Test
  void authDefaultsAreHs256WithARandomKeyAndOpenDialerRoutes() {
    AppConfig config = AppConfig.from(minimal());

    assertThat(config.auth().secretKey()).isNull();
    assertThat(config.auth().algorithm()).isEqualTo("HS256");
    assertThat(config.auth().roleClaim()).isEqualTo("role");
    assertThat(config.auth().issuer()).isNull();
    assertThat(config.auth().tokenTtlMinutes()).isEqualTo(60);
    assertThat(config.auth().usersFile()).isNull();
    assertThat(config.auth().dialerKeys()).isEmpty();
    assertThat(config.auth().dialerNetworks()).isEmpty();
  }

  @Test
  void aShortSecretKeyIsRefusedOutsideTheDevMode() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("SECRET_KEY", "only-twenty-characters")))
      .hasMessageStartingWith("SECRET_KEY: ");
  }

  @Test
  void aWellKnownSecretKeyIsRefusedOutsideTheDevMode() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("SECRET_KEY", "secret")))
      .hasMessageStartingWith("SECRET_KEY: ");
  }

  @Test
  void theDevModeTakesAShortSecretKey() {
    AppConfig config = AppConfig.from(minimal().put("SECRET_KEY", "dev-secret").put("DEV_MODE", true));

    assertThat(config.auth().secretKey()).isEqualTo("dev-secret");
  }

  @Test
  void aSecretKeyOf32CharactersIsTaken() {
    assertThat(AppConfig.from(minimal().put("SECRET_KEY", SECRET)).auth().secretKey()).isEqualTo(SECRET);
  }

  @Test
  void anUnsupportedJwtAlgorithmIsRefusedNamingIt() {
    for (String algorithm : List.of("none", "HS512", "PS256", "rs256")) {
      assertThatThrownBy(() -> AppConfig.from(minimal().put("JWT_ALGORITHM", algorithm)))
        .hasMessageStartingWith("JWT_ALGORITHM: ");
    }
  }

  @Test
  void rs256WithoutAKeyFileIsRefused() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("JWT_ALGORITHM", "RS256")))
      .hasMessageStartingWith("JWT_ALGORITHM: ")
      .hasMessageContaining("JWT_PUBLIC_KEY_FILE");
  }

  @Test
  void es256WithoutAKeyFileIsRefused() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("JWT_ALGORITHM", "ES256")))
      .hasMessageStartingWith("JWT_ALGORITHM: ");
  }

  @Test
  void aPublicKeyFileWithHs256IsRefusedRatherThanIgnored() throws IOException {
    String pem = file("idp.pem");

    assertThatThrownBy(() -> AppConfig.from(minimal().put("JWT_PUBLIC_KEY_FILE", pem)))
      .hasMessageStartingWith("JWT_ALGORITHM: ");
  }

  @Test
  void rs256WithAReadablePublicKeyFileIsTaken() throws IOException {
    String pem = file("idp.pem");

    AppConfig config = AppConfig.from(minimal().put("JWT_ALGORITHM", "RS256").put("JWT_PUBLIC_KEY_FILE", pem));

    assertThat(config.auth().publicKeyFile()).isEqualTo(pem);
  }

  @Test
  void anUnreadablePublicKeyFileIsRefusedNamingIt() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("JWT_ALGORITHM", "RS256")
      .put("JWT_PUBLIC_KEY_FILE", dir.resolve("missing.pem").toString())))
      .hasMessageStartingWith("JWT_PUBLIC_KEY_FILE: ");
  }

  @Test
  void anUnreadableJwksFileIsRefusedNamingIt() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("JWT_ALGORITHM", "ES256")
      .put("JWT_JWKS_FILE", dir.resolve("missing.json").toString())))
      .hasMessageStartingWith("JWT_JWKS_FILE: ");
  }

  @Test
  void anUnreadableUsersFileIsRefusedNamingIt() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("USERS_FILE", dir.resolve("missing").toString())))
      .hasMessageStartingWith("USERS_FILE: ");
  }

  @Test
  void aTokenLifetimeOutsideOneMinuteToOneDayIsRefused() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("TOKEN_TTL_MINUTES", "0")))
      .hasMessageStartingWith("TOKEN_TTL_MINUTES: ");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("TOKEN_TTL_MINUTES", "1441")))
      .hasMessageStartingWith("TOKEN_TTL_MINUTES: ");
  }

  @Test
  void dialerKeysAreACommaSeparatedList() {
    AppConfig config = AppConfig.from(minimal().put("DIALER_KEYS", DIALER_KEY + " , other-dialer-key-0123456789,"));

    assertThat(config.auth().dialerKeys()).containsExactly(DIALER_KEY, "other-dialer-key-0123456789");
  }

  @Test
  void aShortDialerKeyIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("DIALER_KEYS", DIALER_KEY + ",short-key")))
      .hasMessageStartingWith("DIALER_KEYS: ")
      .message()
      .doesNotContain("short-key");
  }

  @Test
  void allowedDialerIpsTakesAddressesAndNetworksOfBothFamilies() {
    AppConfig config = AppConfig.from(minimal().put("ALLOWED_DIALER_IPS", "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32"));

    assertThat(config.auth().dialerNetworks()).containsExactly("10.0.0.0/8", "192.0.2.7", "2001:db8::/32");
  }

  @Test
  void aBadNetworkInAllowedDialerIpsIsRefusedNamingIt() {
    assertThatThrownBy(() -> AppConfig.from(minimal().put("ALLOWED_DIALER_IPS", "10.0.0.0/8,10.0.0.0/33")))
      .hasMessageStartingWith("ALLOWED_DIALER_IPS: ")
      .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("ALLOWED_DIALER_IPS", "dialer.example")))
      .hasMessageStartingWith("ALLOWED_DIALER_IPS: ");
  }

  @Test
  void toStringNeverShowsTheSecretKeyOrDialerKeys() {
    AppConfig config = AppConfig.from(minimal().put("SECRET_KEY", SECRET).put("DIALER_KEYS", DIALER_KEY));

    assertThat(config.toString()).doesNotContain(SECRET, DIALER_KEY);
    assertThat(config.auth().toString()).doesNotContain(SECRET, DIALER_KEY);
  }

  @Test
  void theFastAgiListenerTakesPort4573AndBoundsASessionToThreeSecondsByDefault() {
    AppConfig config = AppConfig.from(minimal());

    assertThat(config.agiPort()).isEqualTo(4573);
    assertThat(config.agiSessionTimeoutMs()).isEqualTo(3000);
    assertThat(AppConfig.from(minimal().put("AGI_PORT", "0")).agiPort()).as("0 turns it off").isZero();
    assertThatThrownBy(() -> AppConfig.from(minimal().put("API_PORT", "4573")))
      .hasMessage("AGI_PORT: 4573 is API_PORT too; FastAGI needs a port of its own (0 turns it off)");
    assertThatThrownBy(() -> AppConfig.from(minimal().put("AGI_SESSION_TIMEOUT_MS", "0")))
      .hasMessage("AGI_SESSION_TIMEOUT_MS: must be between 100 and 60000, got 0");
  }
}
