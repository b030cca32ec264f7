package io.cidrotator.reputation;

import io.cidrotator.Bus;
import io.cidrotator.InTurn;
import io.cidrotator.audit.Actor;
import io.cidrotator.audit.AuditLog;
import io.cidrotator.inventory.InventorySync;
import io.cidrotator.redis.HistoryStream;
import io.cidrotator.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The rest ladder, on the admin verticle, a round a minute: marks the reservations that ran out without a release
 * 'expired' (an unknown outcome), drops the outcomes per hour older than {@link #HOURS_KEPT}, brings back the numbers
 * whose rest or probation is over (resting -> probation -> healthy), and rests the numbers whose answer rate
 * {@link HealthRule} finds low for real (retired instead when they rested {@code retire_after} times within
 * {@code retire_days}). One node at a time (a PostgreSQL advisory lock); every transition is audited with its
 * evidence and written to Redis before the round ends, where a resting or retired number leaves the available sets
 * (as an inactive one does: no cost per allocation).
 */
public final class RestLadder implements Bus.Handlers {

  private static final Logger LOG = LoggerFactory.getLogger(RestLadder.class);
  static final long EVERY_MS = 60_000;
  /**
   * A reservation is called expired this long after its end, and only when the history stream holds nothing older
   * than that: its release may still be on its way.
   */
  static final Duration EXPIRY_MARGIN = Duration.ofMinutes(2);
  /** How long the outcomes per hour are kept: the report's 7 days, and a month of trend beyond. */
  static final Duration HOURS_KEPT = Duration.ofDays(35);

  private final Vertx vertx;
  private final Pool pg;
  private final ScriptRunner redis;
  private final InventorySync sync;
  private long timer = -1;
  private final InTurn rounds = new InTurn();
  /** When this node's last round in turn began (real time): the next judges the numbers counted since. */
  private Instant lastRound;

  public RestLadder(Vertx vertx, Pool pg, ScriptRunner redis, InventorySync sync) {
    this.vertx = vertx;
    this.pg = pg;
    this.redis = redis;
    this.sync = sync;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(Bus.HEALTH_ROUND, request -> round(request.containsKey("at")
      ? Instant.ofEpochMilli(request.getLong("at")) : Instant.now()));
  }

  public void start() {
    timer = vertx.setPeriodic(EVERY_MS, id -> {
      if (!rounds.busy()) {
        round(Instant.now())
          .onFailure(e -> LOG.warn("Number health: the round failed, the next one retries: {}", e.getMessage()));
      }
    });
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /**
   * One round as of {@code now}: answers how many reservations it marked expired and how many numbers it moved to
   * each state ({@code {expired, resting, retired, probation, healthy, flagged}}). One at a time: a round asked while
   * another runs runs after it (the minute's timer skips instead).
   */
  Future<JsonObject> round(Instant now) {
    return rounds.run(() -> roundNow(now));
  }

  private Future<JsonObject> roundNow(Instant now) {
    // A reservation is expired only once the history holds whatever happened before it ended: a release still in
    // the history stream (PostgreSQL was away, the writer is catching up) must not find its row marked expired.
    // Without Redis nothing is marked this round.
    Instant expiredBefore = now.minus(EXPIRY_MARGIN);
    return HistoryStream.oldestEntryMs(redis)
      .map(oldest -> oldest == Long.MAX_VALUE ? expiredBefore
        : Collections.min(List.of(expiredBefore, Instant.ofEpochMilli(oldest).minus(EXPIRY_MARGIN))))
      .otherwise(e -> null)
      .compose(before -> pg.withTransaction(conn -> conn.query(HealthSql.NO_JIT).execute()
        .compose(off -> conn.query(HealthSql.TAKE_TURN).execute())
        .compose(turn -> !turn.iterator().next().getBoolean("mine")
          ? Future.succeededFuture(new Round())
          : roundInTurn(conn, now, before))))
      .compose(round -> round.moved.isEmpty() ? Future.succeededFuture(round)
        : sync.writeNumbers(round.moved).map(round))
      .onSuccess(round -> {
        lastRound = round.started == null ? lastRound : round.started;
        round.meter();
      })
      .map(Round::toJson);
  }

  /** {@code expiredBefore}: reservations that ended before it are marked expired; null: none this round. */
  private Future<Round> roundInTurn(SqlConnection conn, Instant now, Instant expiredBefore) {
    Round round = new Round();
    // The numbers counted since this node's last round (a minute of margin: a count committing as it began), or in
    // the last hour on its first.
    round.started = Instant.now();
    Instant countedSince = lastRound == null ? round.started.minus(Duration.ofHours(1)) : lastRound.minusSeconds(60);
    return (expiredBefore == null ? Future.succeededFuture(0)
        : conn.preparedQuery(HealthSql.MARK_EXPIRED).execute(Tuple.of(utc(expiredBefore))).map(RowSet::rowCount))
      .compose(expired -> {
        round.expired = expired;
        return conn.preparedQuery(HealthSql.PRUNE_HOURS).execute(Tuple.of(utc(now.minus(HOURS_KEPT))));
      })
      .compose(pruned -> conn.preparedQuery(HealthSql.BASELINES)
        .execute(Tuple.of(utc(now.minus(Duration.ofDays(7))))))
      .compose(rows -> {
        Map<String, Baseline> pools = new HashMap<>();
        rows.forEach(row -> pools.put(row.getString("pool"), new Baseline(
          HealthSettings.of(row.getJsonObject("settings")), row.getLong("calls"), row.getLong("answered"))));
        return comeBack(conn, now, round)
          .compose(v -> conn.preparedQuery(HealthSql.CANDIDATES)
            .execute(Tuple.of(utc(countedSince), utc(now.minus(Duration.ofHours(24))))))
          .compose(candidates -> rest(conn, now, candidates, pools, round));
      })
      .map(round);
  }

  /**
   * Resting and flagged numbers whose rest is over go on probation (or healthy without one; a flag's rest ends its
   * open flags), probation ones healthy.
   */
  private Future<Void> comeBack(SqlConnection conn, Instant now, Round round) {
    return conn.preparedQuery(HealthSql.DUE).execute(Tuple.of(utc(now)))
      .compose(rows -> {
        Future<Void> moves = Future.succeededFuture();
        for (Row row : rows) {
          Health from = Health.of(row.getString("health"));
          HealthSettings settings = HealthSettings.of(row.getJsonObject("settings"));
          Health to = from != Health.PROBATION && settings.probationHours() > 0 ? Health.PROBATION : Health.HEALTHY;
          Instant until = to == Health.PROBATION ? now.plus(Duration.ofHours(settings.probationHours())) : null;
          JsonObject why = new JsonObject().put("rule", switch (from) {
            case RESTING -> "rest over";
            case FLAGGED -> "flag's rest over";
            default -> "probation over";
          });
          String cid = row.getString("caller_id");
          moves = moves.compose(v -> move(conn, cid, from, to, until, why, now, round))
            .compose(moved -> moved && from == Health.FLAGGED
              ? Flags.endOpen(conn, cid, Actor.SYSTEM.subject(), "rest over")
              .<Void>mapEmpty() : Future.succeededFuture());
        }
        return moves;
      });
  }

  /** Rests (or retires) the candidates the rule finds low for real. */
  private Future<Void> rest(SqlConnection conn, Instant now, Iterable<Row> candidates, Map<String, Baseline> pools,
                            Round round) {
    Future<Void> moves = Future.succeededFuture();
    for (Row row : candidates) {
      Baseline pool = pools.get(row.getString("pool"));
      if (pool == null || !pool.settings.autoRest()) {
        continue;
      }
      JsonObject evidence = HealthRule.restEvidence(row.getLong("calls"), row.getLong("answered"), pool.calls,
        pool.answered, pool.settings);
      if (evidence == null) {
        continue;
      }
      String cid = row.getString("caller_id");
      Health from = Health.of(row.getString("health"));
      moves = moves.compose(v -> conn.preparedQuery(HealthSql.RESTS_SINCE)
        .execute(Tuple.of(cid, utc(now.minus(Duration.ofDays(pool.settings.retireDays())))))
        .compose(rests -> {
          long times = rests.iterator().next().getLong("rests") + 1;
          evidence.put("rests_in_window", times).put("retire_after", pool.settings.retireAfter())
            .put("retire_days", pool.settings.retireDays());
          boolean retire = times >= pool.settings.retireAfter();
          return move(conn, cid, from, retire ? Health.RETIRED : Health.RESTING,
            retire ? null : now.plus(Duration.ofHours(pool.settings.restHours())), evidence, null, round)
            .mapEmpty();
        }));
    }
    return moves;
  }

  /**
   * Moves one number, unless another node moved it first (or, for a return due by {@code dueBy}, it is no longer due),
   * with its audit row: caller_id.rest (every rest counts towards retirement, a retirement included),
   * caller_id.retire, caller_id.probation, caller_id.healthy.
   */
  private Future<Boolean> move(SqlConnection conn, String cid, Health from, Health to, Instant until, JsonObject why,
                               Instant dueBy, Round round) {
    return conn.preparedQuery(HealthSql.MOVE)
      .execute(Tuple.of(cid, from.label(), to.label(), until == null ? null : utc(until), why)
        .addValue(dueBy == null ? null : utc(dueBy)))
      .compose(rows -> {
        if (rows.rowCount() == 0) {
          return Future.succeededFuture(false);
        }
        round.moved.add(cid);
        round.count(to);
        round.pools.add(rows.iterator().next().getString("pool"));
        JsonObject before = new JsonObject().put("health", from.label());
        JsonObject after = new JsonObject().put("health", to.label())
          .put("until", until == null ? null : until.toString()).put("evidence", why);
        Future<Void> audit = AuditLog.record(conn, Actor.SYSTEM, "caller_id." + action(to), cid, before, after);
        // A retirement is a rest too (counted for the next one), audited as such.
        return (to == Health.RETIRED
          ? audit.compose(v -> AuditLog.record(conn, Actor.SYSTEM, "caller_id.rest", cid, before, after))
          : audit).map(true);
      });
  }

  private static String action(Health to) {
    return switch (to) {
      case RESTING -> "rest";
      case RETIRED -> "retire";
      case PROBATION -> "probation";
      case HEALTHY -> "healthy";
      case FLAGGED -> "flag";
    };
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private record Baseline(HealthSettings settings, long calls, long answered) {
  }

  /** What one round did. */
  private static final class Round {
    /** When it began in turn (null: another node's turn). */
    Instant started;
    int expired;
    final List<String> moved = new ArrayList<>();
    /** The pool of each number moved, and the state it moved to, in the order of {@link #moved}. */
    final List<String> pools = new ArrayList<>();
    final List<Health> states = new ArrayList<>();
    final Map<Health, Integer> counts = new HashMap<>();

    void count(Health to) {
      counts.merge(to, 1, Integer::sum);
      states.add(to);
    }

    /** Counts the round's moves (once committed). */
    void meter() {
      for (int i = 0; i < states.size(); i++) {
        HealthMeters.moved(pools.get(i), states.get(i));
      }
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("expired", expired);
      for (Health health : Health.values()) {
        json.put(health.label(), counts.getOrDefault(health, 0));
      }
      return json;
    }
  }
}
