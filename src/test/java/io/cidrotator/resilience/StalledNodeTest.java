package io.cidrotator.resilience;

import io.cidrotator.Poll;
import io.cidrotator.TestServer;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node stalled (SIGSTOP: a long GC pause, a starved VM) while dialplans ask it for numbers: their CURL gives up
 * and closes the connection. When the node runs again it reads those requests; an allocation for a caller that is
 * gone (an HTTP connection closed, a FastAGI session ended) is taken back, so no number stays reserved for a call
 * that never uses it.
 */
class StalledNodeTest {

  private static final int NUMBERS = 5;

  private TestServer otherNode;
  private ServerProcess node;
  private int agiPort;
  private WebClient http;

  @BeforeEach
  void startTwoNodes() {
    otherNode = TestServer.start();
    otherNode.reset().seed(TestServer.numbers("512", NUMBERS));
    JsonObject config = TestServer.baseConfig();
    agiPort = config.getInteger("AGI_PORT");
    node = ServerProcess.start("stalled-node", config, otherNode.vertx);
    http = WebClient.create(otherNode.vertx);
  }

  @AfterEach
  void stop() throws IOException, InterruptedException {
    signal("CONT");
    http.close();
    node.close();
    otherNode.close();
  }

  @Test
  void noReservationIsLeftForHttpCallersThatGaveUpWhileTheNodeWasStopped() throws Exception {
    signal("STOP");
    List<Future<Integer>> gaveUp = new ArrayList<>();
    for (int i = 0; i < NUMBERS; i++) {
      // As a dialplan's CURL with a 1 s timeout: the connection is closed when it runs out.
      gaveUp.add(http.get(node.port, "127.0.0.1", "/next-cid")
        .addQueryParam("to", "5125551234").addQueryParam("campaign", "STALL").addQueryParam("agent", "100" + i)
        .timeout(1000)
        .send()
        .map(response -> response.statusCode())
        .otherwise(0));
    }
    assertThat(Future.all(gaveUp).await().<Integer>list()).as("answers while stopped").containsOnly(0);

    signal("CONT");
    // Running again: it reads the abandoned requests, allocates, finds the callers gone and takes the numbers back.
    Poll.until(otherNode.vertx, Duration.ofSeconds(10), "the node answering again",
      () -> http.get(node.port, "127.0.0.1", "/health/live").timeout(1000).send().map(r -> r.statusCode()),
      status -> status == 200);
    otherNode.vertx.timer(1000).await();

    assertThat(reserved()).as("numbers reserved for callers that gave up").isZero();
    assertEveryAllocationTakenBackAndEveryNumberFree();
  }

  @Test
  void noReservationIsLeftForFastAgiSessionsThatEndedWhileTheNodeWasStopped() throws Exception {
    signal("STOP");
    NetClient asterisk = otherNode.vertx.createNetClient();
    List<Future<Void>> ended = new ArrayList<>();
    for (int i = 0; i < NUMBERS; i++) {
      ended.add(abandonedAgiSession(asterisk, i));
    }
    Future.all(ended).await();

    signal("CONT");
    // Running again: it reads the sessions' environments, allocates, finds each session ended and takes it back.
    Poll.until(otherNode.vertx, Duration.ofSeconds(10), "the node answering again",
      () -> http.get(node.port, "127.0.0.1", "/health/live").timeout(1000).send().map(r -> r.statusCode()),
      status -> status == 200);
    otherNode.vertx.timer(1000).await();
    asterisk.close().await();

    assertThat(reserved()).as("numbers reserved for FastAGI sessions that ended").isZero();
    assertEveryAllocationTakenBackAndEveryNumberFree();
  }

  /**
   * Asterisk's side of a FastAGI session for a VICIdial call (its channel's environment, agi://host/next-cid), ended
   * after 1 s without an answer: the call hung up, or the dialplan moved on.
   */
  private Future<Void> abandonedAgiSession(NetClient asterisk, int n) {
    String environment = String.join("\n",
      "agi_network: yes", "agi_network_script: next-cid?campaign=STALL&agent=100" + n,
      "agi_request: agi://127.0.0.1:" + agiPort + "/next-cid?campaign=STALL&agent=100" + n,
      "agi_channel: SIP/carrier-0000000" + n, "agi_type: SIP", "agi_uniqueid: 1732612345." + n,
      "agi_version: 20.20.0", "agi_callerid: 8005550100", "agi_calleridname: V1126093015000000000" + n,
      "agi_context: default", "agi_extension: 915125551234", "agi_priority: 1", "", "");
    return asterisk.connect(agiPort, "127.0.0.1")
      .compose(socket -> {
        socket.exceptionHandler(e -> { });
        return socket.write(environment)
          .compose(v -> otherNode.vertx.timer(1000))
          .compose(v -> socket.close());
      });
  }

  private void assertEveryAllocationTakenBackAndEveryNumberFree() {
    otherNode.awaitHistoryWritten();
    List<String> outcomes = new ArrayList<>();
    for (Row row : otherNode.sql.query("SELECT outcome FROM allocations").execute().await()) {
      outcomes.add(row.getString("outcome"));
    }
    assertThat(outcomes).as("the history of the abandoned requests").hasSize(NUMBERS).containsOnly("taken_back");
    // Every number is free for the next calls.
    for (int i = 0; i < NUMBERS; i++) {
      assertThat(http.get(node.port, "127.0.0.1", "/next-cid").addQueryParam("to", "5125551234")
        .addQueryParam("campaign", "STALL").send().await().statusCode()).isEqualTo(200);
    }
  }

  private long reserved() {
    return otherNode.redis.send(Request.cmd(Command.ZCOUNT).arg(RedisKeys.reserved("default"))
      .arg(System.currentTimeMillis()).arg("+inf")).await().toLong();
  }

  private void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, Long.toString(node.pid())).inheritIO().start().waitFor();
    assertThat(exit).as("kill -%s", name).isZero();
  }
}
