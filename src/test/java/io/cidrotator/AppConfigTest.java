package io.cidrotator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppConfigTest {

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
  void toStringNeverShowsSecrets() {
    AppConfig config = AppConfig.from(minimal().put("POSTGRES_PASSWORD", "pg-secret").put("REDIS_PASSWORD", "rd-secret"));

    assertThat(config.toString()).doesNotContain("pg-secret", "rd-secret", "a-long-random-admin-token-123");
  }
}
