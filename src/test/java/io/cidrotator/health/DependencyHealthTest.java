package io.cidrotator.health;

import io.cidrotator.Bus;
import io.cidrotator.allocation.AllocationClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The health report when PostgreSQL does not answer in time: the database DOWN, the server degraded but ready
 * (allocation works), and nothing else happens when its answer (here: the bus timeout) comes after the check's
 * own timeout.
 */
class DependencyHealthTest {

  private Vertx vertx;
  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

  @BeforeEach
  void busWithASilentDatabase() {
    vertx = Vertx.vertx();
    vertx.exceptionHandler(uncaught::add);
    // PostgreSQL stalled: the admin verticle's ping never answers.
    vertx.eventBus().consumer(Bus.DATABASE_PING, msg -> { }).completion().await();
    vertx.eventBus().consumer(Bus.REDIS_PING, msg -> msg.reply(new JsonObject().put("latency_us", 7))).completion()
      .await();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aDatabaseThatDoesNotAnswerIsDownTheServerDegradedAndTheLateTimeoutChangesNothing() {
    DependencyHealth health = new DependencyHealth(vertx, new AllocationClient(vertx, 500), "test");

    DependencyHealth.Report report = health.check().await();
    // A request sent after the check's, with the same timeout: once it has timed out, so has the check's.
    assertThatThrownBy(() -> vertx.eventBus().request(Bus.DATABASE_PING, new JsonObject(),
      new DeliveryOptions().setSendTimeout(DependencyHealth.CHECK_TIMEOUT_MS)).await())
      .isInstanceOf(ReplyException.class);

    assertThat(report.up()).as("ready: allocation works without PostgreSQL").isTrue();
    assertThat(report.body().getString("status")).isEqualTo("degraded");
    assertThat(report.body().getString("database")).isEqualTo("disconnected");
    assertThat(report.body().getJsonObject("redis").getBoolean("connected")).isTrue();
    assertThat(uncaught).isEmpty();
  }
}
