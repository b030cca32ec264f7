package io.cidrotator.http;

import io.cidrotator.TestServer;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and silent clients over raw TCP: a request head dripped a header at a time (slowloris) is cut off at
 * HTTP_HEAD_TIMEOUT_MS, a silent connection at HTTP_IDLE_TIMEOUT_SECONDS; a normal request is not bothered.
 */
class SlowClientsTest {

  private static final int HEAD_TIMEOUT_MS = 500;

  private static TestServer server;
  private static NetClient tcp;

  @BeforeAll
  static void start() {
    server = TestServer.start(new JsonObject().put("HTTP_HEAD_TIMEOUT_MS", HEAD_TIMEOUT_MS)
      .put("HTTP_IDLE_TIMEOUT_SECONDS", 1));
    tcp = server.vertx.createNetClient();
  }

  @AfterAll
  static void stop() {
    tcp.close().await();
    server.close();
  }

  @Test
  void aRequestHeadDrippedAHeaderAtATimeIsCutOffAtTheHeadTimeout() {
    NetSocket socket = connect();
    Promise<Long> closedAfter = Promise.promise();
    long start = System.nanoTime();
    socket.closeHandler(v -> closedAfter.tryComplete((System.nanoTime() - start) / 1_000_000));
    socket.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n");
    // A header every 100 ms: never silent, never done.
    long drip = server.vertx.setPeriodic(100, id -> socket.write("X-Drip: 1\r\n"));
    try {
      long ms = closedAfter.future().timeout(5, TimeUnit.SECONDS).await();
      assertThat(ms).as("ms until the server closed the connection").isBetween((long) HEAD_TIMEOUT_MS, 2000L);
    } finally {
      server.vertx.cancelTimer(drip);
    }
  }

  @Test
  void aConnectionThatSaysNothingAfterItsRequestIsClosedAtTheIdleTimeout() {
    NetSocket socket = connect();
    Promise<Long> closedAfter = Promise.promise();
    StringBuilder received = new StringBuilder();
    socket.handler(buffer -> received.append(buffer.toString()));
    long start = System.nanoTime();
    socket.closeHandler(v -> closedAfter.tryComplete((System.nanoTime() - start) / 1_000_000));
    socket.write(Buffer.buffer("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"));

    long ms = closedAfter.future().timeout(5, TimeUnit.SECONDS).await();

    assertThat(received.toString()).startsWith("HTTP/1.1 200");
    assertThat(ms).as("ms until the server closed the idle connection").isBetween(900L, 3000L);
  }

  private static NetSocket connect() {
    return tcp.connect(server.config.apiPort(), "127.0.0.1").await();
  }
}
