package io.cidrotator;

import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real PostgreSQL and Redis for the tests and for the embedded dev mode of {@code scripts/run}:
 * embedded servers started on free ports, or external ones named by PG_URL / REDIS_URL
 * (tests truncate and flush them: point them at throwaway instances).
 */
public final class EmbeddedServices {

  private static JsonObject shared;
  /** Completes when what uses the embedded servers has stopped (the dev server's Vert.x); done at once for tests. */
  private static volatile CompletableFuture<Void> usersStopped = CompletableFuture.completedFuture(null);

  private EmbeddedServices() {
  }

  /** Settings (POSTGRES_* / REDIS_*) of the servers shared by every test of this JVM, started once. */
  public static synchronized JsonObject forTests() {
    if (shared == null) {
      JsonObject config = new JsonObject();
      String pgUrl = System.getenv("PG_URL");
      String redisUrl = System.getenv("REDIS_URL");
      config.mergeIn(pgUrl != null ? new JsonObject().put("POSTGRES_URL", pgUrl) : startPostgres(null));
      config.mergeIn(redisUrl != null ? new JsonObject().put("REDIS_URL", redisUrl) : startRedis(null));
      shared = config;
    }
    return shared.copy();
  }

  /**
   * Starts an embedded PostgreSQL on a free port; with a data directory it keeps its data across
   * restarts, without one it lives in a temporary directory. Stopped when the JVM exits.
   */
  public static JsonObject startPostgres(Path dataDir) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (dataDir != null) {
        Files.createDirectories(dataDir);
        builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
      }
      // Let zonky pick the port: on a fixed port already taken, start() "succeeds" against the other server.
      EmbeddedPostgres pg = builder.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        awaitUsersStopped();
        close(pg);
      }));
      return new JsonObject()
        .put("POSTGRES_HOST", "127.0.0.1")
        .put("POSTGRES_PORT", pg.getPort())
        .put("POSTGRES_USER", "postgres")
        .put("POSTGRES_PASSWORD", "")
        .put("POSTGRES_DB", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  /** Starts an embedded Redis (noeviction; AOF when given a data directory). Stopped when the JVM exits. */
  public static JsonObject startRedis(Path dataDir) {
    int port = freePort();
    RedisServer redis = redisServer(port, dataDir);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      awaitUsersStopped();
      stop(redis);
    }));
    return new JsonObject()
      .put("REDIS_HOST", "127.0.0.1")
      .put("REDIS_PORT", port);
  }

  /** A started Redis server on {@code port}, for tests that stop and restart it themselves. */
  public static RedisServer redisServer(int port, Path dataDir) {
    try {
      var builder = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("maxmemory-policy noeviction")
        .setting("save \"\"");
      if (dataDir != null) {
        Files.createDirectories(dataDir);
        builder.setting("dir " + dataDir.toAbsolutePath())
          .setting("appendonly yes");
      } else {
        builder.setting("appendonly no");
      }
      RedisServer redis = builder.build();
      redis.start();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded Redis", e);
    }
  }

  /**
   * At JVM exit, runs {@code stop} (closing what uses the embedded servers) before the servers stop, so the server
   * that used them stops as it would in production instead of finding them gone (reconnect warnings).
   */
  public static void stopFirst(Runnable stop) {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    usersStopped = stopped;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stop.run();
      } finally {
        stopped.complete(null);
      }
    }));
  }

  private static void awaitUsersStopped() {
    try {
      usersStopped.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Stop the servers anyway: the JVM is exiting.
    }
  }

  /**
   * A port free now, and never one this JVM was given before: the system may hand the same ephemeral port to two
   * calls in a row, and a server given it for API_PORT and AGI_PORT would share one socket between them.
   */
  public static synchronized int freePort() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        if (GIVEN.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final Set<Integer> GIVEN = new HashSet<>();

  private static void close(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException e) {
      // JVM exit: nothing left to do
    }
  }

  private static void stop(RedisServer redis) {
    try {
      redis.stop();
    } catch (IOException e) {
      // JVM exit: nothing left to do
    }
  }
}
