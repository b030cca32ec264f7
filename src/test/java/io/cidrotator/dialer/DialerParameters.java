package io.cidrotator.dialer;

import io.vertx.ext.web.handler.HttpException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The parameters of a dialer request as the HTTP routes and the FastAGI listener hand them to the request model
 * (a lookup by name, null when absent), and the refusal of bad ones.
 */
final class DialerParameters {

  private DialerParameters() {
  }

  /** A lookup of the parameters given as name, value pairs; a name not given reads null. */
  static Function<String, String> of(String... namesAndValues) {
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      params.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return params::get;
  }

  /** Asserts that {@code parse} throws the HttpException of {@code status} whose message is {@code message}. */
  static void assertRefused(ThrowingCallable parse, int status, String message) {
    assertThatThrownBy(parse).isInstanceOfSatisfying(HttpException.class, e -> {
      assertThat(e.getStatusCode()).as("status").isEqualTo(status);
      assertThat(e.getPayload()).as("message").isEqualTo(message);
    });
  }
}
