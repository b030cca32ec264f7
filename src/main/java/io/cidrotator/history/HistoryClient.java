package io.cidrotator.history;

import io.cidrotator.Bus;
import io.cidrotator.redis.HistoryStream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The only code that builds or reads the history's messages of the event bus (but the live feed's batches). */
public final class HistoryClient {

  private final Vertx vertx;
  private final Bus.Sender bus;

  public HistoryClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.bus = new Bus.Sender(vertx, timeoutMs);
  }

  /** {@code {buffered, writes}}: entries waiting in the history stream, and batches this node wrote so far. */
  public Future<JsonObject> status() {
    return bus.request(Bus.HISTORY_STATUS, new JsonObject());
  }

  /**
   * What the allocators answered that is not known written: the events, and the history stream entry of the last
   * one (null when there are none): once they are written, telling the allocators so drops their copies.
   */
  public record Unwritten(List<HistoryEvent> events, HistoryStream.EntryId last) {
  }

  /**
   * The history events each of the {@code allocators} allocator instances answered that are not known written to
   * PostgreSQL yet, oldest first within each. (Requests to one address go round the consumers in turn, so this
   * usually takes one request per allocator; it asks again until each one answered.)
   */
  public Future<Unwritten> unwritten(int allocators) {
    return unwritten(allocators, new HashSet<>(), new Unwritten(new ArrayList<>(), null), 4 * allocators);
  }

  private Future<Unwritten> unwritten(int allocators, Set<String> answered, Unwritten gathered, int attemptsLeft) {
    if (answered.size() >= allocators) {
      return Future.succeededFuture(gathered);
    }
    if (attemptsLeft == 0) {
      return Future.failedFuture("only " + answered.size() + " of " + allocators + " allocators answered");
    }
    return vertx.eventBus()
      .<HistoryBatch>request(Bus.HISTORY_UNWRITTEN, new JsonObject(), bus.options())
      .compose((Message<HistoryBatch> answer) -> {
        Unwritten more = gathered;
        if (answered.add(answer.headers().get("allocator"))) {
          gathered.events().addAll(answer.body().events());
          HistoryStream.EntryId last = HistoryStream.EntryId.parse(answer.headers().get("last"));
          if (last != null && (gathered.last() == null || last.compareTo(gathered.last()) > 0)) {
            more = new Unwritten(gathered.events(), last);
          }
        }
        return unwritten(allocators, answered, more, attemptsLeft - 1);
      });
  }
}
