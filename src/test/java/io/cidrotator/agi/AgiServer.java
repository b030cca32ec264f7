package io.cidrotator.agi;

import io.cidrotator.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link TestServer} with {@code overrides} for one test class and a {@link ScriptedAsterisk} connected to its
 * AGI port. Registered as an extension ({@code @RegisterExtension static}): started before the first test,
 * stopped after the last.
 */
final class AgiServer implements BeforeAllCallback, AfterAllCallback {

  private final JsonObject overrides;
  private TestServer server;
  private ScriptedAsterisk asterisk;

  AgiServer(JsonObject overrides) {
    this.overrides = overrides;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = TestServer.start(overrides);
    asterisk = new ScriptedAsterisk(server.config.agiPort());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    asterisk.close();
    server.close();
  }

  TestServer server() {
    return server;
  }

  ScriptedAsterisk asterisk() {
    return asterisk;
  }
}
