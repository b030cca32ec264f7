package io.cidrotator.resilience;

import io.cidrotator.CidRotator;
import io.cidrotator.MainVerticle;
import io.cidrotator.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server in a JVM of its own, started as an operator starts it ({@link CidRotator}, settings in the environment),
 * for the tests that kill or stop the process itself: {@code kill -9}, SIGTERM. Its output goes to
 * {@code target/<name>.log}.
 */
final class ServerProcess implements AutoCloseable {

  final int port;
  final Path log;
  private final Process process;

  private ServerProcess(int port, Path log, Process process) {
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Starts the server with {@code config} (every setting; API_PORT must be set) and waits until it is live. */
  static ServerProcess start(String name, JsonObject config, Vertx vertx) {
    return start(name, config, List.of(), vertx);
  }

  /** As {@link #start(String, JsonObject, Vertx)}, with {@code jvmOptions} ({@code -Dvertx.options...}) too. */
  static ServerProcess start(String name, JsonObject config, List<String> jvmOptions, Vertx vertx) {
    Path log = Path.of("target", name + ".log");
    try {
      ServerProcess server = new ServerProcess(config.getInteger("API_PORT"), log,
        builder(log, config, jvmOptions).start());
      server.awaitLive(vertx);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server's command line, its output to {@code log}, settings in its environment. */
  private static ProcessBuilder builder(Path log, JsonObject config, List<String> jvmOptions) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), CidRotator.class.getName(),
      MainVerticle.class.getName(), "-conf", config.encode()));
    ProcessBuilder builder = new ProcessBuilder(command)
      .redirectErrorStream(true)
      .redirectOutput(log.toFile());
    // Settings in the environment win over -conf: the test's own, not whatever this JVM's environment holds.
    config.forEach(setting -> builder.environment().put(setting.getKey(), String.valueOf(setting.getValue())));
    Files.createDirectories(log.getParent());
    return builder;
  }

  /**
   * Runs the server with {@code config} until it exits by itself (a start that fails), at most {@code within};
   * returns its exit code. Its output goes to {@code target/<name>.log}.
   */
  static int runToExit(String name, JsonObject config, Duration within) {
    Path log = Path.of("target", name + ".log");
    try {
      Process process = builder(log, config, List.of()).start();
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the server process did not exit within " + within + ": see " + log);
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitLive(Vertx vertx) {
    WebClient http = WebClient.create(vertx);
    try {
      Poll.until(vertx, Duration.ofSeconds(60), "the server process live on port " + port,
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("the server process exited: see " + log);
          }
          return http.get(port, "127.0.0.1", "/health/live").send().map(r -> r.statusCode()).otherwise(0);
        },
        status -> status == 200);
    } finally {
      http.close();
    }
  }

  /** {@code kill -9}: the JVM ends at once, nothing of it runs. */
  void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM, as systemd or {@code docker stop} sends; succeeds with the exit code. */
  int terminate(Duration within) {
    process.destroy();
    try {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the server process did not exit within " + within + " of SIGTERM");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The process's id, for signals of the test's own (SIGSTOP, SIGCONT). */
  long pid() {
    return process.pid();
  }

  private void awaitExit() {
    try {
      process.waitFor(30, TimeUnit.SECONDS);
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
