package io.cidrotator;

import io.cidrotator.auth.AuthSettings;
import io.cidrotator.auth.Cidr;
import io.cidrotator.redis.RedisEndpoints;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of the server, validated once at start-up. Keys are the environment variable names
 * of the old tool (ADMIN_TOKEN, REDIS_HOST, ...); an environment variable overrides the same key of
 * {@code conf/config.json}.
 */
public record AppConfig(
  String apiHost,
  int apiPort,
  String adminToken,
  int reservationTtlSeconds,
  int rateLimitPerAgent,
  int hourlyLimit,
  int dailyLimit,
  String postgresHost,
  int postgresPort,
  String postgresUser,
  String postgresPassword,
  String postgresDb,
  String redisHost,
  int redisPort,
  int redisDb,
  String redisPassword,
  List<String> redisSentinels,
  String redisMasterName,
  ZoneId timezone,
  List<String> dialPrefixes,
  List<String> allowedOrigins,
  int eventLoops,
  int allocatorInstances,
  int routerInstances,
  int allocationTimeoutMs,
  int historyBufferSize,
  int lastUsedFlushSeconds,
  AuthSettings auth,
  boolean devMode,
  int agiPort,
  int agiSessionTimeoutMs,
  int shutdownGraceSeconds,
  int httpHeadTimeoutMs,
  int httpIdleTimeoutSeconds) {

  /** Every key the server reads; only these are taken from the environment. */
  public static final List<String> KEYS = List.of(
    "API_HOST", "API_PORT", "ADMIN_TOKEN",
    "DEFAULT_RESERVATION_TTL", "DEFAULT_RATE_LIMIT_PER_AGENT", "DEFAULT_HOURLY_LIMIT", "DEFAULT_DAILY_LIMIT",
    "POSTGRES_URL", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB",
    "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD", "REDIS_SENTINELS", "REDIS_MASTER_NAME",
    "TIMEZONE", "DIAL_PREFIXES", "ALLOWED_ORIGINS", "EVENT_LOOPS", "ALLOCATOR_INSTANCES", "ROUTER_INSTANCES", "ALLOCATION_TIMEOUT_MS",
    "HISTORY_BUFFER_SIZE", "LAST_USED_FLUSH_SECONDS", "DEV_MODE",
    "SECRET_KEY", "JWT_ALGORITHM", "JWT_PUBLIC_KEY_FILE", "JWT_JWKS_FILE", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_ROLE_CLAIM",
    "TOKEN_TTL_MINUTES", "USERS_FILE", "DIALER_KEYS", "ALLOWED_DIALER_IPS",
    "AGI_PORT", "AGI_SESSION_TIMEOUT_MS", "SHUTDOWN_GRACE_SECONDS", "HTTP_HEAD_TIMEOUT_MS", "HTTP_IDLE_TIMEOUT_SECONDS");

  /** Tokens that appear in docs and examples: accepted only in the embedded dev mode. */
  private static final Set<String> WELL_KNOWN_TOKENS = Set.of(
    "dev-admin-token", "change-me", "changeme", "your-secret-admin-token", "admin", "secret");

  /** Merges the environment over {@code json} for the known keys. */
  public static JsonObject withEnvironment(JsonObject json, Map<String, String> env) {
    JsonObject merged = json.copy();
    for (String key : KEYS) {
      String value = env.get(key);
      if (value != null) {
        merged.put(key, value);
      }
    }
    return merged;
  }

  /** Builds the settings from an already merged config, or fails naming the first bad setting. */
  public static AppConfig from(JsonObject json) {
    Reader r = new Reader(expandUrls(json));
    boolean devMode = r.bool("DEV_MODE", false);
    AppConfig config = new AppConfig(
      r.string("API_HOST", "127.0.0.1"),
      r.integer("API_PORT", 8000, 0, 65535),
      r.string("ADMIN_TOKEN", null),
      r.integer("DEFAULT_RESERVATION_TTL", 300, 1, 86400),
      r.integer("DEFAULT_RATE_LIMIT_PER_AGENT", 100, 1, 1_000_000),
      r.integer("DEFAULT_HOURLY_LIMIT", 100, 1, 1_000_000),
      r.integer("DEFAULT_DAILY_LIMIT", 500, 1, 10_000_000),
      r.string("POSTGRES_HOST", null),
      r.integer("POSTGRES_PORT", 5432, 1, 65535),
      r.string("POSTGRES_USER", "postgres"),
      r.string("POSTGRES_PASSWORD", ""),
      r.string("POSTGRES_DB", "cidrotator"),
      r.string("REDIS_HOST", null),
      r.integer("REDIS_PORT", 6379, 1, 65535),
      r.integer("REDIS_DB", 0, 0, 15),
      r.string("REDIS_PASSWORD", ""),
      r.list("REDIS_SENTINELS"),
      r.string("REDIS_MASTER_NAME", "mymaster"),
      r.zone("TIMEZONE"),
      r.digitList("DIAL_PREFIXES", "9"),
      r.origins("ALLOWED_ORIGINS"),
      eventLoops(json),
      r.integer("ALLOCATOR_INSTANCES", 2, 1, 64),
      r.integer("ROUTER_INSTANCES", 2, 1, 64),
      r.integer("ALLOCATION_TIMEOUT_MS", 500, 10, 60_000),
      r.integer("HISTORY_BUFFER_SIZE", 2_000_000, 100, 100_000_000),
      r.integer("LAST_USED_FLUSH_SECONDS", 60, 1, 3600),
      authSettings(r, devMode),
      devMode,
      r.integer("AGI_PORT", 4573, 0, 65535),
      r.integer("AGI_SESSION_TIMEOUT_MS", 3000, 100, 60_000),
      r.integer("SHUTDOWN_GRACE_SECONDS", 10, 0, 600),
      r.integer("HTTP_HEAD_TIMEOUT_MS", 10_000, 100, 600_000),
      r.integer("HTTP_IDLE_TIMEOUT_SECONDS", 60, 1, 3600));
    config.checkRequired();
    return config;
  }

  /**
   * EVENT_LOOPS of an already merged config, or fails naming it. Vert.x needs it before anything is deployed.
   * One event-loop thread per core (not Vert.x's default of two) measured 15-20% more allocations per
   * second through the bus here: a router and an allocator that share a thread hand over without a wake-up.
   */
  public static int eventLoops(JsonObject json) {
    return new Reader(json).integer("EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256);
  }

  /**
   * POSTGRES_URL ({@code postgresql://user:password@host:port/db}) and REDIS_URL
   * ({@code redis://:password@host:port/db}) stand for their separate keys, which they override.
   */
  private static JsonObject expandUrls(JsonObject json) {
    JsonObject expanded = json.copy();
    String pg = json.getString("POSTGRES_URL");
    if (pg != null && !pg.isBlank()) {
      URI uri = url("POSTGRES_URL", pg, "postgresql", "postgres");
      expanded.put("POSTGRES_HOST", uri.getHost());
      putIfPresent(expanded, "POSTGRES_PORT", uri.getPort() < 0 ? null : Integer.toString(uri.getPort()));
      putIfPresent(expanded, "POSTGRES_DB", uri.getPath() == null || uri.getPath().length() < 2
        ? null : uri.getPath().substring(1));
      String[] userInfo = userInfo(uri);
      putIfPresent(expanded, "POSTGRES_USER", userInfo[0]);
      putIfPresent(expanded, "POSTGRES_PASSWORD", userInfo[1]);
    }
    String redis = json.getString("REDIS_URL");
    if (redis != null && !redis.isBlank()) {
      URI uri = url("REDIS_URL", redis, "redis");
      expanded.put("REDIS_HOST", uri.getHost());
      putIfPresent(expanded, "REDIS_PORT", uri.getPort() < 0 ? null : Integer.toString(uri.getPort()));
      putIfPresent(expanded, "REDIS_DB", uri.getPath() == null || uri.getPath().length() < 2
        ? null : uri.getPath().substring(1));
      putIfPresent(expanded, "REDIS_PASSWORD", userInfo(uri)[1]);
    }
    return expanded;
  }

  private static URI url(String key, String value, String... schemes) {
    try {
      URI uri = new URI(value);
      if (uri.getHost() == null || !List.of(schemes).contains(uri.getScheme())) {
        throw new IllegalArgumentException(key + ": expected " + schemes[0] + "://host:port/..., got a value "
          + "without a host or with another scheme");
      }
      return uri;
    } catch (URISyntaxException e) {
      // The value may hold a password: never echo it.
      throw new IllegalArgumentException(key + ": not a valid URL");
    }
  }

  private static String[] userInfo(URI uri) {
    String info = uri.getUserInfo();
    if (info == null) {
      return new String[] {null, null};
    }
    int colon = info.indexOf(':');
    return colon < 0
      ? new String[] {info, null}
      : new String[] {colon == 0 ? null : info.substring(0, colon), info.substring(colon + 1)};
  }

  private static void putIfPresent(JsonObject json, String key, String value) {
    if (value != null && !value.isEmpty()) {
      json.put(key, value);
    }
  }

  private static AuthSettings authSettings(Reader r, boolean devMode) {
    String secret = r.string("SECRET_KEY", null);
    if (secret != null && !devMode && (secret.length() < 32 || WELL_KNOWN_TOKENS.contains(secret))) {
      throw new IllegalArgumentException(
        "SECRET_KEY: too short or a well-known example value; choose a random value of at least 32 characters");
    }
    String algorithm = r.string("JWT_ALGORITHM", "HS256");
    if (!List.of("HS256", "RS256", "ES256").contains(algorithm)) {
      throw new IllegalArgumentException("JWT_ALGORITHM: must be HS256, RS256 or ES256, got '" + algorithm + "'");
    }
    String publicKeyFile = r.file("JWT_PUBLIC_KEY_FILE");
    String jwksFile = r.file("JWT_JWKS_FILE");
    if (!algorithm.equals("HS256") && publicKeyFile == null && jwksFile == null) {
      throw new IllegalArgumentException("JWT_ALGORITHM: " + algorithm
        + " needs JWT_PUBLIC_KEY_FILE (PEM) or JWT_JWKS_FILE to verify tokens with");
    }
    if (algorithm.equals("HS256") && (publicKeyFile != null || jwksFile != null)) {
      throw new IllegalArgumentException("JWT_ALGORITHM: set RS256 or ES256 to verify tokens with "
        + (publicKeyFile != null ? "JWT_PUBLIC_KEY_FILE" : "JWT_JWKS_FILE"));
    }
    String roleClaim = r.string("JWT_ROLE_CLAIM", "role");
    List<String> dialerKeys = r.list("DIALER_KEYS");
    for (String key : dialerKeys) {
      if (key.length() < 16) {
        throw new IllegalArgumentException("DIALER_KEYS: each key must have at least 16 characters");
      }
    }
    List<String> dialerNetworks = r.list("ALLOWED_DIALER_IPS");
    for (String network : dialerNetworks) {
      try {
        Cidr.parse(network);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ALLOWED_DIALER_IPS: " + e.getMessage());
      }
    }
    return new AuthSettings(secret, algorithm, publicKeyFile, jwksFile, r.string("JWT_ISSUER", null), r.string("JWT_AUDIENCE", null), roleClaim,
      r.integer("TOKEN_TTL_MINUTES", 60, 1, 24 * 60), r.file("USERS_FILE"), dialerKeys, dialerNetworks);
  }

  private void checkRequired() {
    if (postgresHost == null) {
      throw new IllegalArgumentException("POSTGRES_HOST: not set (the embedded dev mode is started by scripts/run)");
    }
    if (redisHost == null && redisSentinels.isEmpty()) {
      throw new IllegalArgumentException("REDIS_HOST: not set (the embedded dev mode is started by scripts/run)");
    }
    // Vert.x would share one listening socket between the two servers, handing each connection to either.
    if (agiPort != 0 && agiPort == apiPort) {
      throw new IllegalArgumentException("AGI_PORT: " + agiPort + " is API_PORT too; FastAGI needs a port of its own "
        + "(0 turns it off)");
    }
    if (!redisSentinels.isEmpty() && redisDb != 0) {
      throw new IllegalArgumentException("REDIS_DB: must be 0 with REDIS_SENTINELS (Sentinel gives the master's "
        + "address only)");
    }
    redisEndpoints();
    if (adminToken == null) {
      throw new IllegalArgumentException("ADMIN_TOKEN: not set; choose a random value of at least 16 characters");
    }
    if (!devMode && (adminToken.length() < 16 || WELL_KNOWN_TOKENS.contains(adminToken))) {
      throw new IllegalArgumentException(
        "ADMIN_TOKEN: too short or a well-known example value; choose a random value of at least 16 characters");
    }
  }

  /** The connection string of the first Redis server of REDIS_HOST, password included: never log it. */
  public String redisConnectionString() {
    return redisEndpoints().servers().get(0);
  }

  /**
   * Where Redis is: the Sentinels of REDIS_SENTINELS that name the master REDIS_MASTER_NAME, else the servers of
   * REDIS_HOST (one, or a master and its replicas: the server uses whichever is the master). Fails naming the
   * setting when an address is not host[:port].
   */
  public RedisEndpoints redisEndpoints() {
    List<String> servers = redisHost == null ? List.of()
      : RedisEndpoints.addresses("REDIS_HOST", Arrays.asList(redisHost.split(",")), redisPort);
    return new RedisEndpoints(
      servers.stream().map(address -> RedisEndpoints.connectionString(address, redisPassword, redisDb)).toList(),
      RedisEndpoints.addresses("REDIS_SENTINELS", redisSentinels, 26379).stream()
        .map(address -> RedisEndpoints.connectionString(address, redisPassword, null)).toList(),
      redisMasterName);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + postgresHost + ":" + postgresPort + "/" + postgresDb;
  }

  @Override
  public String toString() {
    // Records print every component; this one holds secrets.
    return "AppConfig[api=" + apiHost + ":" + apiPort + ", postgres=" + postgresHost + ":" + postgresPort + "/"
      + postgresDb + ", redis=" + (redisSentinels.isEmpty() ? redisHost + ":" + redisPort
      : "sentinels " + redisSentinels + " master " + redisMasterName) + "/" + redisDb + ", timezone=" + timezone
      + ", devMode=" + devMode + "]";
  }

  private record Reader(JsonObject json) {

    String string(String key, String fallback) {
      Object value = json.getValue(key);
      if (value == null || value.toString().isBlank()) {
        return fallback;
      }
      return value.toString().trim();
    }

    int integer(String key, int fallback, int min, int max) {
      String value = string(key, null);
      if (value == null) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value);
        if (parsed < min || parsed > max) {
          throw new IllegalArgumentException(key + ": must be between " + min + " and " + max + ", got " + value);
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": must be an integer, got '" + value + "'");
      }
    }

    boolean bool(String key, boolean fallback) {
      String value = string(key, null);
      if (value == null) {
        return fallback;
      }
      return switch (value.toLowerCase()) {
        case "true", "1", "yes" -> true;
        case "false", "0", "no" -> false;
        default -> throw new IllegalArgumentException(key + ": must be true or false, got '" + value + "'");
      };
    }

    ZoneId zone(String key) {
      String value = string(key, null);
      if (value == null) {
        return ZoneId.systemDefault();
      }
      try {
        return ZoneId.of(value);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(key + ": not a time zone id such as America/Chicago, got '" + value + "'");
      }
    }

    /** A path to a readable file, or null when unset. */
    String file(String key) {
      String value = string(key, null);
      if (value != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(value))) {
        throw new IllegalArgumentException(key + ": cannot read the file " + value);
      }
      return value;
    }

    /** Comma-separated values, trimmed, empty ones left out. Values are not echoed: they may be secrets. */
    List<String> list(String key) {
      return Arrays.stream(string(key, "").split(","))
        .map(String::trim)
        .filter(v -> !v.isEmpty())
        .toList();
    }

    List<String> origins(String key) {
      String value = string(key, "");
      List<String> origins = Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(o -> !o.isEmpty())
        .toList();
      for (String origin : origins) {
        if (!origin.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
          throw new IllegalArgumentException(key + ": each origin must look like https://host[:port], got '"
            + origin + "'");
        }
      }
      return origins;
    }

    List<String> digitList(String key, String fallback) {
      String value = json.getValue(key) == null ? fallback : json.getValue(key).toString();
      List<String> prefixes = Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(p -> !p.isEmpty())
        .toList();
      for (String prefix : prefixes) {
        if (!prefix.matches("[0-9]{1,4}")) {
          throw new IllegalArgumentException(key + ": each prefix must be 1 to 4 digits, got '" + prefix + "'");
        }
      }
      return prefixes;
    }
  }
}
