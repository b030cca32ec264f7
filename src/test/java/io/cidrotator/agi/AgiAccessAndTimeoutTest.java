package io.cidrotator.agi;

import io.cidrotator.TestServer;
import io.cidrotator.agi.ScriptedAsterisk.Channel;
import io.cidrotator.agi.ScriptedAsterisk.Transcript;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server with a short AGI_SESSION_TIMEOUT_MS, DIALER_KEYS and ALLOWED_DIALER_IPS: stalled sessions are
 * closed on time without holding up the others, and only dialers with a key, from an allowed address, get
 * a number.
 */
class AgiAccessAndTimeoutTest {

  private static final int SESSION_TIMEOUT_MS = 1000;
  private static final String KEY = "agi-dialer-key-0123456789";

  @RegisterExtension
  static final AgiServer AGI = new AgiServer(new JsonObject()
    .put("AGI_SESSION_TIMEOUT_MS", SESSION_TIMEOUT_MS)
    .put("DIALER_KEYS", KEY)
    .put("ALLOWED_DIALER_IPS", "127.0.0.1"));

  private final TestServer server = AGI.server();
  private final ScriptedAsterisk asterisk = AGI.asterisk();

  @BeforeEach
  void reset() {
    server.reset().seed(TestServer.numbers("512", 10));
  }

  @Test
  void stalledSessionsAreClosedAfterTheTimeoutWhileOtherSessionsGetTheirNumbers() {
    Future<Transcript> silent = asterisk.raw(Buffer.buffer());
    Future<Transcript> noBlankLine = asterisk.raw(Buffer.buffer("agi_network: yes\nagi_extension: 5125551234\n"));
    List<Channel> channels = new ArrayList<>();
    for (int n = 0; n < 5; n++) {
      channels.add(new Channel(n, "next-cid?key=" + KEY));
    }

    List<Transcript> good = channels.stream().map(channel -> asterisk.run(channel).await()).toList();

    assertThat(channels).allSatisfy(channel -> assertThat(channel.variables).containsEntry("CIDROTATOR_STATUS", "OK"));
    assertThat(good).allSatisfy(transcript -> assertThat(transcript.elapsedMs()).isLessThan(SESSION_TIMEOUT_MS));
    for (Transcript stalled : List.of(silent.await(), noBlankLine.await())) {
      assertThat(stalled.commands()).isEmpty();
      assertThat(stalled.elapsedMs()).isBetween(SESSION_TIMEOUT_MS - 50L, SESSION_TIMEOUT_MS + 5_000L);
    }
  }

  @Test
  void aSessionWithoutTheDialerKeyFailsWithoutTouchingTheCallerId() {
    Transcript transcript = asterisk.run(new Channel(1, "next-cid")).await();

    assertThat(transcript.commands()).containsExactlyElementsOf(AgiVerticleTest.failed("unauthorized"));
  }

  @Test
  void aSessionWithAWrongDialerKeyFailsWithoutTouchingTheCallerId() {
    Transcript transcript = asterisk.run(new Channel(2, "next-cid?key=not-the-dialer-key-000")).await();

    assertThat(transcript.commands()).containsExactlyElementsOf(AgiVerticleTest.failed("unauthorized"));
  }

  @Test
  void aConnectionFromAnAddressOutsideAllowedDialerIpsIsClosedAtOnce() {
    try (ScriptedAsterisk elsewhere = new ScriptedAsterisk(server.config.agiPort(), "127.0.0.2")) {
      Transcript transcript = elsewhere.run(new Channel(3, "next-cid?key=" + KEY)).await();

      assertThat(transcript.commands()).isEmpty();
      assertThat(transcript.elapsedMs()).isLessThan(SESSION_TIMEOUT_MS);
    }
  }
}
