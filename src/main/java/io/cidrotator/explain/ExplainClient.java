package io.cidrotator.explain;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The only code that builds or reads the explain messages. */
public final class ExplainClient {

  private final Bus.Sender bus;

  public ExplainClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /**
   * What {@code /next-cid?to=&campaign=} would do now ({@link Explain}); fails 400 naming {@code to} when it is not a
   * NANP number.
   */
  public Future<JsonObject> explain(String to, String campaign) {
    return bus.request(Bus.EXPLAIN, new JsonObject().put("to", to).put("campaign", campaign));
  }
}
