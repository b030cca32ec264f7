package io.cidrotator.resilience;

import io.cidrotator.EmbeddedServices;
import io.cidrotator.TestServer;
import io.vertx.core.json.JsonObject;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A server on a Redis of its own (the shared PostgreSQL), for the tests that stop and start that Redis: empty again
 * when it has no data directory (as a Redis without persistence comes back from a crash), with its data when it
 * has one (AOF).
 */
final class OwnRedis implements AutoCloseable {

  final TestServer server;
  private final int port;
  private final Path dataDir;
  private RedisServer redis;

  private OwnRedis(int port, Path dataDir, RedisServer redis, TestServer server) {
    this.port = port;
    this.dataDir = dataDir;
    this.redis = redis;
    this.server = server;
  }

  /** {@code dataDir} null: no persistence. {@code overrides}: server settings on top of the test ones. */
  static OwnRedis start(Path dataDir, JsonObject overrides) {
    int port = EmbeddedServices.freePort();
    RedisServer redis = EmbeddedServices.redisServer(port, dataDir);
    // REDIS_URL too: when the run points the shared services at an external Redis, that URL wins over REDIS_HOST.
    TestServer server = TestServer.start(overrides.copy()
      .put("REDIS_URL", "redis://127.0.0.1:" + port + "/0")
      .put("REDIS_HOST", "127.0.0.1")
      .put("REDIS_PORT", port));
    return new OwnRedis(port, dataDir, redis, server);
  }

  void stopRedis() {
    try {
      redis.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts Redis again on the same port. */
  void startRedis() {
    redis = EmbeddedServices.redisServer(port, dataDir);
  }

  @Override
  public void close() {
    server.close();
    stopRedis();
  }
}
