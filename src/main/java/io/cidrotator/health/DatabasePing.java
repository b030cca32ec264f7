package io.cidrotator.health;

import io.cidrotator.Bus;
import io.cidrotator.history.HistoryWriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.function.Function;

/**
 * The database check of {@link DependencyHealth}, on the admin verticle: a round trip to PostgreSQL, with the
 * history still waiting to be written there.
 */
public final class DatabasePing implements Bus.Handlers {

  private static final String PING = "SELECT 1";

  private final Pool pg;
  private final HistoryWriter history;

  public DatabasePing(Pool pg, HistoryWriter history) {
    this.pg = pg;
    this.history = history;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(Bus.DATABASE_PING, this::ping);
  }

  /** {@code {latency_us, history_buffered, history_writes}}. */
  private Future<JsonObject> ping(JsonObject request) {
    long start = System.nanoTime();
    return pg.query(PING)
      .execute()
      .map(rows -> new JsonObject()
        .put("latency_us", (System.nanoTime() - start) / 1000)
        .put("history_buffered", history.buffered())
        .put("history_writes", history.writes()));
  }
}
