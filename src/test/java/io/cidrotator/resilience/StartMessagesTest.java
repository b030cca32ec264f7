package io.cidrotator.resilience;

import io.cidrotator.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator reads when a start fails, from a server started as they start it (a JVM of its own): one line
 * that names the setting and what to do, no stack trace, and an exit within seconds.
 */
class StartMessagesTest {

  @Test
  void aBadSettingIsOneLineNamingItAndTheServerExits() throws IOException {
    int exit = ServerProcess.runToExit("start-bad-setting", TestServer.baseConfig().put("API_PORT", "eighty"),
      Duration.ofSeconds(30));

    assertThat(exit).isNotZero();
    assertThat(errors("start-bad-setting"))
      .containsExactly("cid-rotator did not start: API_PORT: must be an integer, got 'eighty'");
    assertThat(Files.readString(Path.of("target", "start-bad-setting.log"))).doesNotContain("\tat ");
  }

  @Test
  void aPortInUseNamesThePortAndItsSettingAndTheServerExitsAtOnce() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      long start = System.nanoTime();
      int exit = ServerProcess.runToExit("start-agi-port-taken", TestServer.baseConfig()
        .put("AGI_PORT", taken.getLocalPort()), Duration.ofSeconds(60));
      long exitedMs = (System.nanoTime() - start) / 1_000_000;

      assertThat(exit).isNotZero();
      assertThat(errors("start-agi-port-taken")).containsExactly("cid-rotator did not start: AGI_PORT: 127.0.0.1:"
        + taken.getLocalPort() + " is already in use by another process: stop it, or set AGI_PORT to a free port "
        + "(0 turns the FastAGI listener off)");
      assertThat(Files.readString(Path.of("target", "start-agi-port-taken.log"))).doesNotContain("\tat ");
      // Not the shutdown grace period (10 s): no front door opened, so nothing waits for one.
      assertThat(exitedMs).as("ms from start to exit").isLessThan(20_000);
    }
  }

  @Test
  void anUnsetSecretKeyOutsideTheDevModeIsWarnedAbout() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      // A start that fails at the end (its port taken) has logged its warnings by then.
      ServerProcess.runToExit("start-no-secret-key", TestServer.baseConfig().put("API_PORT", taken.getLocalPort()),
        Duration.ofSeconds(60));
    }

    assertThat(Files.readString(Path.of("target", "start-no-secret-key.log")))
      .contains("SECRET_KEY is not set: the tokens POST /api/auth/token issues are signed with a key made at this "
        + "start");
  }

  /** The ERROR lines of a server process's log, without their time, thread and logger. */
  private static List<String> errors(String name) throws IOException {
    return Files.readAllLines(Path.of("target", name + ".log")).stream()
      .filter(line -> line.contains(" ERROR "))
      .map(line -> line.substring(line.indexOf(" - ") + 3))
      .toList();
  }
}
