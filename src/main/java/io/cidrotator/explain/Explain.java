package io.cidrotator.explain;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.locality.CallingWindow;
import io.cidrotator.locality.Locality;
import io.cidrotator.locality.Place;
import io.cidrotator.phone.NanpNumber;
import io.cidrotator.pool.PoolClient;
import io.cidrotator.pool.TierPlace;
import io.cidrotator.redis.AllocateScript.Refusal;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.ExplainScript;
import io.cidrotator.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Explain: what {@code /next-cid} would do now for a destination and campaign, reserving and counting nothing. The
 * pick itself is Redis's (explain.lua runs the tier functions allocate.lua runs); this adds where the callee is, its
 * local time, and per tier how many of the pool's numbers are reserved, capped or inactive there.
 */
public final class Explain implements Bus.Handlers {

  /** At most this many live reservations, caps and inactive numbers are counted per tier. */
  static final int COUNT_LIMIT = 10_000;

  private final Pool pg;
  private final ScriptRunner redis;
  private final AppConfig config;

  public Explain(Pool pg, ScriptRunner redis, AppConfig config) {
    this.pg = pg;
    this.redis = redis;
    this.config = config;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(Bus.EXPLAIN, this::explain);
  }

  /** {@code {to, campaign}}: fails 400 when {@code to} is not a NANP number. */
  private Future<JsonObject> explain(JsonObject query) {
    NanpNumber to;
    try {
      to = NanpNumber.parse("to", query.getString("to"), config.dialPrefixes());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new Bus.Failure(400, e.getMessage()));
    }
    long now = System.currentTimeMillis();
    Place callee = Locality.nanp().of(to.digits());
    List<ZoneId> zones = callee == null ? List.of() : callee.zones();
    List<Integer> minutes = CallingWindow.localMinutes(zones, Instant.ofEpochMilli(now));
    String campaign = query.getString("campaign");
    ExplainScript.Args args = new ExplainScript.Args(now, PoolClient.DEFAULT_POOL,
      CapWindows.at(now, config.timezone()), campaign, to.digits(), callee, minutes, COUNT_LIMIT);
    return ExplainScript.run(redis, args)
      .compose(reply -> pg.preparedQuery(ExplainSql.INACTIVE).execute(Tuple.of(reply.pool(), COUNT_LIMIT))
        .map(rows -> {
          List<TierPlace> inactive = new ArrayList<>();
          for (Row row : rows) {
            inactive.add(TierPlace.of(row.getString("caller_id"), row.getString("area_code"),
              List.of(row.getArrayOfStrings("prefixes"))));
          }
          return report(to, campaign, callee, zones, minutes, reply, inactive);
        }));
  }

  private static JsonObject report(NanpNumber to, String campaign, Place callee, List<ZoneId> zones,
                                   List<Integer> minutes, ExplainScript.Reply reply, List<TierPlace> inactive) {
    TierPlace destination = TierPlace.of(to.digits());
    JsonArray steps = new JsonArray();
    for (ExplainScript.Step step : reply.steps()) {
      if (step.tier().equals("sticky")) {
        steps.add(sticky(step, reply, inactive));
        continue;
      }
      steps.add(new JsonObject()
        .put("tier", step.tier())
        .put("key", step.tier().equals("pool") ? reply.pool() : destination.key(step.tier()))
        .put("available", step.available())
        .put("reserved", held(destination, step.tier(), reply.reserved()))
        .put("capped", held(destination, step.tier(), reply.capped()))
        .put("inactive", inactive.stream().filter(number -> destination.reaches(step.tier(), number)).count())
        .put("first", step.first()));
    }
    return new JsonObject()
      .put("destination", to.digits())
      .put("campaign", campaign)
      .put("pool", reply.pool())
      .put("tiers", new JsonArray(List.of(reply.tiers().split(","))))
      .put("strategy", reply.strategy())
      .put("locality", callee == null ? null : callee.toJson().put("local_time", localTimes(zones, minutes)))
      .put("calling_window", window(reply, minutes))
      .put("steps", steps)
      .put("choice", reply.callerId() == null ? null : new JsonObject()
        .put("caller_id", reply.callerId())
        .put("tier", reply.tier())
        .put("why", why(reply)))
      .put("refusal", reply.refusal() == null ? null : refusal(reply, to))
      .put("counted_up_to", COUNT_LIMIT);
  }

  /** The destination's last number: whether it is available, reserved, capped or inactive now. */
  private static JsonObject sticky(ExplainScript.Step step, ExplainScript.Reply reply, List<TierPlace> inactive) {
    String last = step.remembered();
    return new JsonObject()
      .put("tier", "sticky")
      .put("key", last)
      .put("available", step.available())
      .put("reserved", reply.reserved().stream().filter(h -> h.place().number().equals(last)).count())
      .put("capped", reply.capped().stream().filter(h -> h.place().number().equals(last)).count())
      .put("inactive", inactive.stream().filter(number -> number.number().equals(last)).count())
      .put("first", step.first());
  }

  /** How many of {@code held} (live reservations or caps) are in {@code tier} for the destination. */
  private static long held(TierPlace destination, String tier, List<ExplainScript.Held> held) {
    return held.stream().filter(h -> destination.reaches(tier, h.place())).count();
  }

  private static JsonArray localTimes(List<ZoneId> zones, List<Integer> minutes) {
    JsonArray times = new JsonArray();
    for (int i = 0; i < zones.size(); i++) {
      times.add(new JsonObject().put("zone", zones.get(i).getId())
        .put("time", CallingWindow.clock(minutes.get(i))));
    }
    return times;
  }

  /**
   * The pool's window for the callee's region, and whether the callee's local time is inside it in every zone: as
   * explain.lua judged it (the check an allocation makes), null for a callee the numbering plan does not place.
   */
  private static JsonObject window(ExplainScript.Reply reply, List<Integer> minutes) {
    if (reply.window() == null) {
      return null;
    }
    return new JsonObject()
      .put("window", CallingWindow.fromMinutes(reply.window()))
      .put("inside", minutes.isEmpty() ? null : reply.refusal() != Refusal.OUTSIDE_CALLING_WINDOW);
  }

  private static String why(ExplainScript.Reply reply) {
    if (reply.tier().equals("sticky")) {
      return "the destination got " + reply.callerId() + " last, within the pool's sticky days, and it is free";
    }
    String order = switch (reply.strategy()) {
      case "least_used_today" -> "the number used fewest times today (the earlier use first)";
      case "round_robin" -> "the next number in list order in the current round";
      default -> "the least recently used number";
    };
    return "'" + reply.tier() + "' is the first of the pool's tiers (" + reply.tiers().replace(",", ", ")
      + ") with a number available; within it, " + reply.strategy() + " hands out " + order;
  }

  private static JsonObject refusal(ExplainScript.Reply reply, NanpNumber to) {
    Refusal reason = reply.refusal();
    String detail = switch (reason) {
      case OUTSIDE_CALLING_WINDOW -> "outside the pool's calling window "
        + CallingWindow.fromMinutes(reply.detail()) + " in the callee's local time: /next-cid answers 451";
      case NO_LOCAL_NUMBER -> "none of the pool's tiers (" + reply.detail().replace(",", ", ")
        + ") has a number free for " + to.digits() + ", and they stop short of the whole pool";
      case NOT_LOADED -> "Redis lost the inventory: the admin side reloads it";
      case POOL_EMPTY -> "the pool has no active number";
      case ALL_RESERVED -> "every number of the pool is on a live call";
      case ALL_CAPPED -> "every number of the pool is at its hourly or daily cap";
      default -> "every number of the pool is on a live call or at its cap";
    };
    return new JsonObject()
      .put("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
      .put("status", reason == Refusal.OUTSIDE_CALLING_WINDOW ? 451 : 503)
      .put("detail", detail);
  }
}
