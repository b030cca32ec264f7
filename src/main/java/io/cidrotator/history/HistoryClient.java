package io.cidrotator.history;

import io.cidrotator.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;

/** The only code that builds or reads the history's messages of the event bus (but the batches themselves). */
public final class HistoryClient {

  private final Bus.Sender bus;

  public HistoryClient(Vertx vertx, long timeoutMs) {
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /**
   * Asks each of the {@code allocators} allocator instances to hand its history over now; succeeds once every one
   * did, when {@link #status()} counts what they held. (Requests to one address go round the consumers in turn,
   * so this usually takes one request per allocator; it asks again until each one answered.)
   */
  public Future<Void> handOver(int allocators) {
    return handOver(allocators, new HashSet<>(), 4 * allocators);
  }

  private Future<Void> handOver(int allocators, Set<String> answered, int attemptsLeft) {
    if (answered.size() >= allocators) {
      return Future.succeededFuture();
    }
    if (attemptsLeft == 0) {
      return Future.failedFuture("only " + answered.size() + " of " + allocators + " allocators handed history over");
    }
    return bus.request(Bus.HISTORY_HAND_OVER, new JsonObject())
      .compose(answer -> {
        answered.add(answer.getString("allocator"));
        return handOver(allocators, answered, attemptsLeft - 1);
      });
  }

  /** {@code {buffered, writes}}: events waiting to be written to PostgreSQL, and batches written so far. */
  public Future<JsonObject> status() {
    return bus.request(Bus.HISTORY_STATUS, new JsonObject());
  }
}
