package io.cidrotator.dialplan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The curl command-line tool run as a dialplan would use libcurl: {@code curl -s --max-time 1
 * --connect-timeout 1 -w '%{http_code}' URL}, i.e. CURLOPT(httptimeout) and CURLOPT(conntimeout) of 1 s.
 * The body comes back whatever the HTTP status, as CURL() hands it to Asterisk 13; the status is the three
 * digits curl writes after it ({@code 000} when no answer came).
 */
final class Curl {

  static final Path CURL = Path.of("/usr/bin/curl");

  /** A call that never returns is killed after this, so a broken timeout fails the test instead of hanging it. */
  private static final long KILL_AFTER_MS = 10_000;

  private Curl() {
  }

  /** What one curl run gave: its exit code (0, 7 refused, 28 timed out), the status, the body, the time taken. */
  record Result(int exit, int status, String body, long elapsedMs) {
  }

  /** Skips the calling test class when curl is not installed (.ci/run installs it). */
  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(CURL), CURL + " is not installed (apt-get install curl)");
  }

  /** GET {@code url} (already URL-encoded, as the dialplan writes it) with the dialplan's timeouts. */
  static Result get(String url, String... options) {
    List<String> command = new ArrayList<>(List.of(CURL.toString(), "-s", "--max-time", "1", "--connect-timeout", "1",
      "-w", "%{http_code}"));
    command.addAll(List.of(options));
    command.add(url);
    long started = System.nanoTime();
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      // The answers are small: they fit in the pipe, so waiting before reading cannot block curl.
      if (!process.waitFor(KILL_AFTER_MS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("curl did not finish within " + KILL_AFTER_MS + " ms: " + command);
      }
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      byte[] out;
      try (InputStream stdout = process.getInputStream()) {
        out = stdout.readAllBytes();
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (text.length() < 3) {
        throw new AssertionError("curl wrote no status (exit " + process.exitValue() + "): '" + text + "'");
      }
      int split = text.length() - 3;
      return new Result(process.exitValue(), Integer.parseInt(text.substring(split)), text.substring(0, split),
        elapsedMs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while curl ran", e);
    }
  }
}
