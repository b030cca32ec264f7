package io.cidrotator.reputation;

import io.cidrotator.Bus;
import io.cidrotator.alert.AlertEvent;
import io.cidrotator.alert.WebhookClient;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.cidrotator.inventory.InventorySync;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Spam flags behind the bus: flag numbers (one from the API, or a CSV's worth, all or none), unflag one, list a
 * number's flags. A flagged number is never handed out (Redis holds it as inactive) until an admin unflags it or its
 * pool's {@code flag_rest_days} pass (the rest ladder then puts it on probation); a retired number stays retired, its
 * flag recorded. Every flag and unflag is audited and written to Redis before it is answered.
 */
public final class Flags implements Bus.Handlers {

  /** Flags one request (a CSV) may hold. */
  public static final int MAX_FLAGS = 10_000;
  /** Numbers written to Redis at a time. */
  private static final int SYNC_PAGE = 2_000;
  private static final int LIST_LIMIT = 200;

  private final Vertx vertx;
  private final Pool pg;
  private final InventorySync sync;

  public Flags(Vertx vertx, Pool pg, InventorySync sync) {
    this.vertx = vertx;
    this.pg = pg;
    this.sync = sync;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.FLAG, this::flag,
      Bus.UNFLAG, this::unflag,
      Bus.FLAG_LIST, this::list);
  }

  /**
   * {@code {flags: [Flag], actor}}: records every flag or none (an unknown number: 404 from the API, a 400 naming the
   * CSV's lines); answers {@code {items: [{flag, health_state, health_until}], numbers, flagged, kept_retired}}.
   */
  private Future<JsonObject> flag(JsonObject request) {
    List<Flag> flags = new ArrayList<>();
    request.getJsonArray("flags").forEach(json -> flags.add(Flag.of((JsonObject) json)));
    Actor actor = Actor.of(request);
    Map<String, List<Flag>> byNumber = new LinkedHashMap<>();
    flags.forEach(flag -> byNumber.computeIfAbsent(flag.callerId(), cid -> new ArrayList<>()).add(flag));
    List<String> numbers = new ArrayList<>(byNumber.keySet());
    Instant now = Instant.now();
    JsonObject answer = new JsonObject();
    return pg.withTransaction(tx -> tx.preparedQuery(FlagSql.LOCK_NUMBERS)
        .execute(Tuple.of(numbers.toArray(new String[0])))
        .compose(locked -> {
          Map<String, Row> states = new LinkedHashMap<>();
          locked.forEach(row -> states.put(row.getString("caller_id"), row));
          unknown(flags, states);
          return insert(tx, flags, actor)
            .compose(inserted -> flagNumbers(tx, states, inserted, actor, now, answer));
        }))
      .onSuccess(movedFrom -> {
        movedFrom.forEach(pool -> HealthMeters.moved(pool, Health.FLAGGED));
        alertFlagged(answer.getJsonArray("items"));
      })
      .compose(v -> writeToRedis(numbers, 0))
      .map(answer);
  }

  /** Fails when a flag names a number the inventory does not hold: the first one, and how many more. */
  private static void unknown(List<Flag> flags, Map<String, Row> states) {
    List<Flag> missing = flags.stream().filter(flag -> !states.containsKey(flag.callerId())).toList();
    if (missing.isEmpty()) {
      return;
    }
    Flag first = missing.get(0);
    if (first.line() == 0) {
      throw new Bus.Failure(404, "caller_id " + first.callerId() + " is not in the inventory");
    }
    throw new Bus.Failure(400, "line " + first.line() + ": caller_id: " + first.callerId()
      + " is not in the inventory" + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more lines)" : "")
      + "; nothing was flagged");
  }

  private static Future<RowSet<Row>> insert(SqlConnection tx, List<Flag> flags, Actor actor) {
    int n = flags.size();
    String[] callerIds = new String[n];
    String[] sources = new String[n];
    String[] labels = new String[n];
    LocalDate[] days = new LocalDate[n];
    String[] notes = new String[n];
    for (int i = 0; i < n; i++) {
      Flag flag = flags.get(i);
      callerIds[i] = flag.callerId();
      sources[i] = flag.source();
      labels[i] = flag.label();
      days[i] = flag.flaggedOn();
      notes[i] = flag.note();
    }
    return tx.preparedQuery(FlagSql.INSERT).execute(Tuple.of(callerIds, sources, labels, days, notes)
      .addString(actor.subject()));
  }

  /**
   * Each number flagged (until the later of its current flag's end and now + its pool's flag_rest_days), a retired
   * one left retired, each with its audit row; {@code answer} gets what the handler answers. Succeeds with the pool
   * of each number that moved to flagged (one flagged already did not move).
   */
  private static Future<List<String>> flagNumbers(SqlConnection tx, Map<String, Row> states, RowSet<Row> inserted,
                                          Actor actor, Instant now, JsonObject answer) {
    Map<String, JsonArray> flagsOf = new LinkedHashMap<>();
    for (Row row : inserted) {
      flagsOf.computeIfAbsent(row.getString("caller_id"), cid -> new JsonArray()).add(Flag.rowJson(row));
    }
    JsonArray items = new JsonArray();
    List<String> movedFrom = new ArrayList<>();
    List<Future<Void>> writes = new ArrayList<>();
    int flagged = 0;
    int keptRetired = 0;
    for (Map.Entry<String, JsonArray> entry : flagsOf.entrySet()) {
      String cid = entry.getKey();
      Row state = states.get(cid);
      Health from = Health.of(state.getString("health"));
      HealthSettings settings = HealthSettings.of(state.getJsonObject("settings"));
      JsonArray recorded = entry.getValue();
      JsonObject latest = recorded.getJsonObject(recorded.size() - 1);
      JsonObject before = new JsonObject().put("health", from.label())
        .put("until", text(state.getOffsetDateTime("health_until")));
      if (from == Health.RETIRED) {
        keptRetired++;
        writes.add(AuditLog.record(tx, actor, "caller_id.flag", cid, before, before.copy().put("flags", recorded)));
        items.add(new JsonObject().put("caller_id", cid).put("pool", state.getString("pool")).put("flags", recorded)
          .put("health_state", from.label()).put("health_until", (String) null));
        continue;
      }
      OffsetDateTime until = utc(now.plus(Duration.ofDays(settings.flagRestDays())));
      OffsetDateTime current = state.getOffsetDateTime("health_until");
      if (from == Health.FLAGGED && current != null && current.isAfter(until)) {
        until = current;
      }
      JsonObject why = new JsonObject().put("rule", "flagged").put("source", latest.getString("source"))
        .put("label", latest.getString("label")).put("flagged_on", latest.getString("flagged_on"))
        .put("flag_id", latest.getLong("id")).put("flag_rest_days", settings.flagRestDays());
      JsonObject after = new JsonObject().put("health", Health.FLAGGED.label()).put("until", until.toString())
        .put("flags", recorded);
      flagged++;
      if (from != Health.FLAGGED) {
        movedFrom.add(state.getString("pool"));
      }
      writes.add(tx.preparedQuery(FlagSql.FLAG_NUMBER).execute(Tuple.of(cid, until, why))
        .compose(v -> AuditLog.record(tx, actor, "caller_id.flag", cid, before, after)));
      items.add(new JsonObject().put("caller_id", cid).put("pool", state.getString("pool")).put("flags", recorded)
        .put("health_state", Health.FLAGGED.label()).put("health_until", until.toString()));
    }
    answer.put("items", items).put("numbers", flagsOf.size()).put("flagged", flagged)
      .put("kept_retired", keptRetired);
    return Future.all(writes).map(movedFrom);
  }

  /**
   * The webhooks' number.flagged event: one per number flagged through the API; one for a whole CSV (its subject
   * "import:" and its first flag's id, its data the count and the first 100 numbers), so a report of a thousand flags
   * is one alert.
   */
  private void alertFlagged(JsonArray numbers) {
    if (numbers.size() > 1) {
      JsonArray first = new JsonArray();
      numbers.stream().limit(100).forEach(item -> first.add(((JsonObject) item).getString("caller_id")));
      // Its subject names the import (its first flag): a second report within the cooldown is alerted too.
      long firstFlag = numbers.getJsonObject(0).getJsonArray("flags").getJsonObject(0).getLong("id");
      WebhookClient.fire(vertx, AlertEvent.NUMBER_FLAGGED, "import:" + firstFlag, numbers.size()
          + " numbers flagged from a CSV",
        new JsonObject().put("count", numbers.size()).put("caller_ids", first));
      return;
    }
    JsonObject number = numbers.getJsonObject(0);
    JsonObject flag = number.getJsonArray("flags").getJsonObject(number.getJsonArray("flags").size() - 1);
    String cid = number.getString("caller_id");
    WebhookClient.fire(vertx, AlertEvent.NUMBER_FLAGGED, cid, "Number " + cid + " of pool " + number.getString("pool")
        + " flagged by " + flag.getString("source") + (flag.getString("label") == null ? ""
        : " (" + flag.getString("label") + ")"),
      new JsonObject().put("caller_id", cid).put("pool", number.getString("pool"))
        .put("health_state", number.getString("health_state")).put("health_until", number.getString("health_until"))
        .put("flag", flag));
  }

  /** The changed numbers to Redis, a page at a time. */
  private Future<Void> writeToRedis(List<String> numbers, int from) {
    if (from >= numbers.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(numbers.size(), from + SYNC_PAGE);
    return sync.writeNumbers(numbers.subList(from, to)).compose(v -> writeToRedis(numbers, to));
  }

  /**
   * {@code {caller_id, actor}}: ends the number's open flags; a flagged number goes back into rotation (healthy).
   * 404 for an unknown number, 409 for one without an open flag. Answers {@code {caller_id, ended: [flag],
   * health_state}}.
   */
  private Future<JsonObject> unflag(JsonObject request) {
    String cid = request.getString("caller_id");
    Actor actor = Actor.of(request);
    return pg.withTransaction(tx -> tx.preparedQuery(FlagSql.LOCK_NUMBERS)
        .execute(Tuple.of((Object) new String[] {cid}))
        .compose(locked -> {
          if (locked.size() == 0) {
            return Future.failedFuture(new Bus.Failure(404, "caller_id " + cid + " is not in the inventory"));
          }
          Row state = locked.iterator().next();
          return tx.preparedQuery(FlagSql.END_OPEN).execute(Tuple.of(cid, actor.subject(), "unflagged"))
            .compose(ended -> ended.size() == 0
              ? Future.failedFuture(new Bus.Failure(409, "caller_id " + cid + " has no open flag"))
              : unflagged(tx, state, ended, actor));
        }))
      .onSuccess(unflagged -> {
        if (unflagged.wasFlagged()) {
          HealthMeters.moved(unflagged.pool(), Health.HEALTHY);
        }
      })
      .compose(unflagged -> sync.writeNumber(cid).map(unflagged.answer()));
  }

  /** What an unflag answers, and for the meter: the number's pool, and whether it was flagged (not retired). */
  private record Unflagged(JsonObject answer, String pool, boolean wasFlagged) {
  }

  private static Future<Unflagged> unflagged(SqlConnection tx, Row state, RowSet<Row> ended, Actor actor) {
    String cid = state.getString("caller_id");
    Health from = Health.of(state.getString("health"));
    Health to = from == Health.FLAGGED ? Health.HEALTHY : from;
    JsonArray flags = new JsonArray();
    ended.forEach(row -> flags.add(Flag.rowJson(row)));
    JsonObject before = new JsonObject().put("health", from.label())
      .put("until", text(state.getOffsetDateTime("health_until")));
    JsonObject after = new JsonObject().put("health", to.label()).put("ended", flags);
    JsonObject why = new JsonObject().put("rule", "unflagged").put("by", actor.subject());
    return (from == Health.FLAGGED ? tx.preparedQuery(FlagSql.UNFLAG_NUMBER).execute(Tuple.of(cid, why)).mapEmpty()
        : Future.<Void>succeededFuture())
      .compose(v -> AuditLog.record(tx, actor, "caller_id.unflag", cid, before, after))
      .map(v -> new Unflagged(new JsonObject().put("caller_id", cid).put("ended", flags)
        .put("health_state", to.label()), state.getString("pool"), from == Health.FLAGGED));
  }

  /** {@code {caller_id}}: the number's flags, newest first (at most 200), open or ended. */
  private Future<JsonObject> list(JsonObject request) {
    return flagsOf(pg, request.getString("caller_id"), LIST_LIMIT).map(items -> new JsonObject().put("items", items));
  }

  /** The flags of {@code callerId}, newest first, at most {@code limit}. */
  static Future<JsonArray> flagsOf(SqlClient pg, String callerId, int limit) {
    return pg.preparedQuery(FlagSql.OF_NUMBER).execute(Tuple.of(callerId, limit))
      .map(rows -> {
        JsonArray items = new JsonArray();
        rows.forEach(row -> items.add(Flag.rowJson(row)));
        return items;
      });
  }

  /**
   * Ends the open flags of {@code callerId} in the transaction {@code tx} ({@code reason}: 'rest over', 'made
   * healthy'); answers how many.
   */
  public static Future<Integer> endOpen(SqlClient tx, String callerId, String by, String reason) {
    return tx.preparedQuery(FlagSql.END_OPEN).execute(Tuple.of(callerId, by, reason)).map(RowSet::size);
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toString();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
