package io.cidrotator.dialplan;

import io.cidrotator.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * The real server a curl test class talks to, registered as an extension ({@code @RegisterExtension static}):
 * skips the class when curl is not installed, starts one server for it and stops it after the last test.
 */
final class DialerServer implements BeforeAllCallback, AfterAllCallback {

  private final JsonObject overrides;
  private TestServer server;

  /** A server with {@code overrides} on top of the test settings; DIALER_KEYS (one key) is put in every URL. */
  DialerServer(JsonObject overrides) {
    this.overrides = overrides;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Curl.assumeInstalled();
    server = TestServer.start(overrides);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
  }

  TestServer server() {
    return server;
  }

  /** Empties the server, then seeds {@code count} numbers of area code 512; returns their caller-IDs. */
  List<String> resetWithNumbers(int count) {
    List<JsonObject> numbers = TestServer.numbers("512", count);
    server.reset().seed(numbers);
    return numbers.stream().map(n -> n.getString("caller_id")).toList();
  }

  /** The URL of {@code pathAndQuery} (which has a query), with the dialer key as a dialplan passes it. */
  String url(String pathAndQuery) {
    String url = "http://127.0.0.1:" + server.config.apiPort() + pathAndQuery;
    String key = overrides.getString("DIALER_KEYS");
    return key == null ? url : url + "&key=" + key;
  }
}
