package io.cidrotator.resilience;

import io.cidrotator.EmbeddedServices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server or redis-sentinel process of the test's own, for the tests that kill a master and watch a failover:
 * the binary embedded-redis ships (6.2), run as an operator runs it, on a free port, its output in
 * {@code target/<name>.log}. {@link #kill()} is {@code kill -9}.
 */
final class RedisProcess implements AutoCloseable {

  /** The linux-amd64 redis-server that the embedded-redis jar ships. */
  private static final String BINARY = "redis-server-6.2.6-v5-linux-amd64";

  final int port;
  private final Process process;

  private RedisProcess(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** A Redis server without persistence; {@code settings} ("replicaof 127.0.0.1 6379", ...) on top. */
  static RedisProcess server(String name, String... settings) {
    int port = EmbeddedServices.freePort();
    List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "save \"\"", "appendonly no",
      "maxmemory-policy noeviction"));
    lines.addAll(List.of(settings));
    return start(name, port, lines, false);
  }

  /**
   * A Sentinel watching the master {@code masterName} at {@code masterPort}: down after 1 s, quorum 2. A split vote
   * (the Sentinels started the election together, each voted for itself) is retried after twice the failover
   * timeout: 3 s keeps that retry within the test's bound on the failover time.
   */
  static RedisProcess sentinel(String name, String masterName, int masterPort) {
    int port = EmbeddedServices.freePort();
    return start(name, port, List.of("port " + port, "bind 127.0.0.1",
      "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 2",
      "sentinel down-after-milliseconds " + masterName + " 1000",
      "sentinel failover-timeout " + masterName + " 3000",
      "sentinel parallel-syncs " + masterName + " 1"), true);
  }

  private static RedisProcess start(String name, int port, List<String> config, boolean sentinel) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "redis-processes", name));
      // Sentinel rewrites its file: a fresh one each time.
      Path conf = dir.resolve(sentinel ? "sentinel.conf" : "redis.conf");
      List<String> lines = new ArrayList<>();
      lines.add("dir " + dir.toAbsolutePath());
      lines.addAll(config);
      Files.write(conf, lines);
      List<String> command = new ArrayList<>(List.of(binary().toString(), conf.toAbsolutePath().toString()));
      if (sentinel) {
        command.add("--sentinel");
      }
      Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(Path.of("target", name + ".log").toFile())
        .start();
      RedisProcess redis = new RedisProcess(port, process);
      redis.awaitListening();
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized Path binary() throws IOException {
    Path binary = Path.of("target", "redis-processes", "redis-server").toAbsolutePath();
    if (!Files.isExecutable(binary)) {
      Files.createDirectories(binary.getParent());
      try (InputStream in = RedisProcess.class.getClassLoader().getResourceAsStream(BINARY)) {
        if (in == null) {
          throw new IllegalStateException("the embedded-redis jar has no " + BINARY);
        }
        Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
      }
      binary.toFile().setExecutable(true);
    }
    return binary;
  }

  private void awaitListening() {
    long until = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < until) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis process on port " + port + " exited: see target/*.log");
      }
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new IllegalStateException("redis process on port " + port + " not listening within 10 s");
  }

  /**
   * Sends one command (inline, space-separated words without spaces of their own) and returns its reply: a status
   * or error line, an integer, or a bulk string's text.
   */
  String command(String inline) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      String first = line(in);
      if (!first.startsWith("$")) {
        return first;
      }
      int length = Integer.parseInt(first.substring(1));
      return length < 0 ? null : new String(in.readNBytes(length), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** {@code kill -9}. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
