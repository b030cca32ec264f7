package io.cidrotator;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Requests to the consumers of one Vert.x instance's event bus, sent from the JUnit thread with the raw JSON
 * body a feature client would send: the bus-contract tests pin the wire format, not the client's reading of it.
 */
public final class BusCalls {

  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(30_000);

  private final Vertx vertx;

  public BusCalls(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The answer of the consumer of {@code address}; fails the test when the request fails. */
  public JsonObject answer(String address, JsonObject body) {
    return vertx.eventBus()
      .<JsonObject>request(address, body, OPTIONS)
      .map(Message::body)
      .await();
  }

  /** The failure the consumer of {@code address} answered with; fails the test when it answered a body. */
  public ReplyException failure(String address, JsonObject body) {
    ReplyException failure = catchThrowableOfType(ReplyException.class, () -> answer(address, body));
    assertThat(failure).as("the failure of %s", address).isNotNull();
    assertThat(failure.failureType()).as("failure type").isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    return failure;
  }

  /** Asserts that the consumer of {@code address} failed the request with {@code code} and {@code message}. */
  public void assertFails(String address, JsonObject body, int code, String message) {
    ReplyException failure = failure(address, body);
    assertThat(failure.failureCode()).as("failure code of %s: %s", address, failure.getMessage()).isEqualTo(code);
    assertThat(failure.getMessage()).as("failure message").isEqualTo(message);
  }
}
