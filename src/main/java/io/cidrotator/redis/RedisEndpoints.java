package io.cidrotator.redis;

import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the Redis master is: asked of Redis Sentinels ({@code sentinels}, the master set {@code masterName}), or one
 * of {@code servers} (a master alone, or a master and its replicas: whichever says it is the master, so a replica
 * promoted by hand or by another tool is followed without a restart). Connection strings hold the password: never
 * log them; {@link #toString()} does not.
 */
public record RedisEndpoints(List<String> servers, List<String> sentinels, String masterName) {

  /** The client options of each place to try in turn: one sentinel client, or one per server. */
  List<RedisOptions> options() {
    if (!sentinels.isEmpty()) {
      // The sentinels are asked for the master at every connect: a short topology cache follows a failover fast.
      return List.of(base()
        .setType(RedisClientType.SENTINEL)
        .setEndpoints(sentinels)
        .setMasterName(masterName)
        .setRole(RedisRole.MASTER)
        .setTopologyCacheTTL(200));
    }
    List<RedisOptions> each = new ArrayList<>();
    for (String server : servers) {
      each.add(base().setConnectionString(server));
    }
    return each;
  }

  private static RedisOptions base() {
    return new RedisOptions()
      .setMaxPoolSize(1)
      .setMaxPoolWaiting(8)
      .setMaxWaitingHandlers(4096)
      .setNetClientOptions(new NetClientOptions()
        .setConnectTimeout(500)
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true));
  }

  /** {@code redis://[:password@]host:port[/db]} of one host:port; {@code db} null for none (a sentinel). */
  public static String connectionString(String address, String password, Integer db) {
    String auth = password.isEmpty() ? "" : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@";
    return "redis://" + auth + address + (db == null ? "" : "/" + db);
  }

  /**
   * {@code values} as host:port addresses, {@code defaultPort} where a value has none; fails naming {@code key} for
   * a value that is not host[:port].
   */
  public static List<String> addresses(String key, List<String> values, int defaultPort) {
    List<String> addresses = new ArrayList<>();
    for (String raw : values) {
      String value = raw.trim();
      if (value.isEmpty()) {
        continue;
      }
      int colon = value.lastIndexOf(':');
      String host = colon < 0 ? value : value.substring(0, colon);
      String port = colon < 0 ? Integer.toString(defaultPort) : value.substring(colon + 1);
      if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-_]+") || !port.matches("\\d{1,5}")
        || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw new IllegalArgumentException(key + ": expected host or host:port, separated by commas, got '"
          + value + "'");
      }
      addresses.add(host + ":" + port);
    }
    return addresses;
  }

  @Override
  public String toString() {
    return sentinels.isEmpty()
      ? "Redis " + servers.stream().map(RedisEndpoints::address).toList()
      : "Redis master '" + masterName + "' of the sentinels " + sentinels.stream().map(RedisEndpoints::address).toList();
  }

  private static String address(String connectionString) {
    String rest = connectionString.substring(connectionString.indexOf("//") + 2);
    rest = rest.substring(rest.indexOf('@') + 1);
    return rest.indexOf('/') < 0 ? rest : rest.substring(0, rest.indexOf('/'));
  }
}
