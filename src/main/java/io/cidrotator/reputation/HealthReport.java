package io.cidrotator.reputation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * A number's health as the admin API shows it ({@code health} of GET /api/caller-ids/{caller_id}): its state on the
 * rest ladder and why, its outcomes over the last 24 hours and 7 days, its pool's over 7 days (the baseline), its
 * trend, day by day (UTC days), and its latest spam flags.
 */
public final class HealthReport {

  /** The number's latest flags shown (GET /api/caller-ids/{caller_id}/flags has up to 200). */
  private static final int FLAGS_SHOWN = 20;

  private HealthReport() {
  }

  /** The report of the number {@code row} holds (caller_id, pool, health, health_since/until/reason), as of now. */
  public static Future<JsonObject> of(SqlClient pg, Row row) {
    Instant now = Instant.now();
    Instant dayAgo = now.minus(Duration.ofHours(24));
    Instant weekAgo = now.minus(Duration.ofDays(7));
    return Future.all(pg.preparedQuery(HealthSql.NUMBER_DAYS)
        .execute(Tuple.of(row.getString("caller_id"), weekAgo.atOffset(ZoneOffset.UTC), row.getString("pool"))),
        Flags.flagsOf(pg, row.getString("caller_id"), FLAGS_SHOWN))
      .map(both -> {
        RowSet<Row> rows = both.resultAt(0);
        Outcomes day = new Outcomes();
        Outcomes week = new Outcomes();
        Outcomes pool = new Outcomes();
        Map<String, Outcomes> trend = new TreeMap<>();
        for (Row hour : rows) {
          Instant at = hour.getOffsetDateTime("hour").toInstant();
          if (hour.getString("whose").equals("pool")) {
            pool.add(hour);
            continue;
          }
          week.add(hour);
          if (!at.isBefore(dayAgo)) {
            // The hours the rest ladder judges: those that started in the last 24 hours.
            day.add(hour);
          }
          trend.computeIfAbsent(at.atOffset(ZoneOffset.UTC).toLocalDate().toString(), d -> new Outcomes()).add(hour);
        }
        JsonArray days = new JsonArray();
        trend.forEach((date, outcomes) -> days.add(outcomes.toJson().put("day", date)));
        return new JsonObject()
          .put("state", row.getString("health"))
          .put("since", text(row.getOffsetDateTime("health_since")))
          .put("until", text(row.getOffsetDateTime("health_until")))
          .put("reason", row.getJsonObject("health_reason"))
          .put("last_24h", day.toJson())
          .put("last_7d", week.toJson())
          .put("pool_7d", pool.toJson())
          .put("trend", days)
          .put("flags", both.<JsonArray>resultAt(1));
      });
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toString();
  }

  /** Outcomes summed over some hours. */
  private static final class Outcomes {
    long calls;
    long answered;
    long shortCalls;
    long talkSeconds;
    long unknown;
    long expired;

    void add(Row hour) {
      calls += hour.getLong("calls");
      answered += hour.getLong("answered");
      shortCalls += hour.getLong("short_calls");
      talkSeconds += hour.getLong("talk_seconds");
      unknown += hour.getLong("unknown");
      expired += hour.getLong("expired");
    }

    JsonObject toJson() {
      return new JsonObject()
        .put("calls", calls)
        .put("answered", answered)
        .put("answer_rate", calls == 0 ? null : Math.round(10_000.0 * answered / calls) / 10_000.0)
        .put("short_calls", shortCalls)
        .put("mean_talk_seconds", answered == 0 ? null : Math.round(10.0 * talkSeconds / answered) / 10.0)
        .put("unknown", unknown)
        .put("expired", expired);
    }
  }
}
