package io.cidrotator.alert;

import io.cidrotator.Bus;
import io.cidrotator.InTurn;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.redis.PoolCountsScript;
import io.cidrotator.redis.RedisKeys;
import io.cidrotator.redis.ScriptRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Alerts to webhooks, on the admin verticle: watches the conditions every 15 s (a pool's free numbers, area codes
 * without a free local number, numbers rested in the last hour, Redis and PostgreSQL reachable), takes the events
 * other features fire ({@link Bus#ALERT}: a number flagged), and queues a delivery to each active webhook that wants
 * the event, unless the same event of the same subject went to it within its cooldown. The cooldown is a key in Redis
 * (every node shares it: several nodes watching the same pool send one alert); without Redis, this node's memory.
 * The webhooks come from a copy of PostgreSQL's, refreshed every 30 s and on every change, so an alert that
 * PostgreSQL is down still goes out.
 */
public final class Alerts implements Bus.Handlers {

  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  static final long WATCH_EVERY_MS = 15_000;
  static final long SEND_EVERY_MS = 2_000;
  static final long TARGETS_EVERY_MS = 30_000;
  /** The window of area_code.no_local_number. */
  static final Duration DEMAND_WINDOW = Duration.ofMinutes(15);
  /** How long a minute of demand stays in Redis: the window and a margin. */
  static final long DEMAND_KEPT_SECONDS = 20 * 60;
  static final Duration LOG_KEPT = Duration.ofDays(30);

  private final Vertx vertx;
  private final Pool pg;
  private final ScriptRunner redis;
  private final Deliveries deliveries;
  private final Webhooks webhooks;
  private List<WebhookTarget> targets = List.of();
  /** Every pool and how many numbers it has (PostgreSQL's), as last read. */
  private Map<String, Long> pools = Map.of();
  private final Map<String, Instant> downSince = new HashMap<>();
  /** Since when each webhook has seen each pool's free numbers under its threshold ("id|pool"). */
  private final Map<String, Instant> lowSince = new HashMap<>();
  /** This node's not-local counts ("pool|area code") at its last watch: the next adds what came since to Redis. */
  private Map<String, Double> lastDemand;
  /** The cooldowns this node keeps itself while Redis is away (key -> until). */
  private final Map<String, Instant> localCooldowns = new HashMap<>();
  private final List<Long> timers = new ArrayList<>();
  private final InTurn watches = new InTurn();
  private Instant pruned = Instant.EPOCH;

  public Alerts(Vertx vertx, Pool pg, ScriptRunner redis) {
    this.vertx = vertx;
    this.pg = pg;
    this.redis = redis;
    this.deliveries = new Deliveries(vertx, pg);
    this.webhooks = new Webhooks(pg, deliveries, fresh -> targets = fresh);
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    Map<String, Function<JsonObject, Future<JsonObject>>> handlers = new HashMap<>(webhooks.handlers());
    handlers.put(Bus.ALERT, this::fire);
    handlers.put(Bus.ALERT_WATCH, request -> watch(at(request)));
    handlers.put(Bus.WEBHOOK_SEND_DUE, request -> deliveries.sendDue(at(request))
      .map(count -> new JsonObject().put("tried", count)));
    return handlers;
  }

  private static Instant at(JsonObject request) {
    return request.containsKey("at") ? Instant.ofEpochMilli(request.getLong("at")) : Instant.now();
  }

  public Future<Void> start() {
    timers.add(vertx.setPeriodic(WATCH_EVERY_MS, id -> {
      if (!watches.busy()) {
        watch(Instant.now()).onFailure(e -> LOG.warn("Alerts: the watch failed, the next one retries: {}",
          e.getMessage()));
      }
    }));
    timers.add(vertx.setPeriodic(SEND_EVERY_MS, id -> deliveries.sendDueIfIdle()));
    timers.add(vertx.setPeriodic(TARGETS_EVERY_MS, id -> webhooks.targets().onSuccess(fresh -> targets = fresh)));
    return webhooks.targets().onSuccess(fresh -> targets = fresh).<Void>mapEmpty().otherwiseEmpty();
  }

  public Future<Void> stop() {
    timers.forEach(vertx::cancelTimer);
    return deliveries.close();
  }

  /** {@code {event, subject, summary, data}}: an event another feature saw (a number flagged). */
  private Future<JsonObject> fire(JsonObject request) {
    AlertEvent event = AlertEvent.of(request.getString("event"));
    Instant now = Instant.now();
    List<Future<Boolean>> sent = new ArrayList<>();
    for (WebhookTarget target : wanting(event)) {
      sent.add(notify(target, event, request.getString("subject"), request.getString("summary"),
        request.getJsonObject("data"), now));
    }
    return Future.join(sent).transform(done -> kick(now).map(new JsonObject().put("queued", count(sent))));
  }

  /**
   * One watch as of {@code now} (tests pass a later time): checks each condition for every webhook that wants it.
   * Answers how many deliveries it queued, per event. One at a time: one asked during another runs after it.
   */
  Future<JsonObject> watch(Instant now) {
    return watches.run(() -> watchNow(now));
  }

  private Future<JsonObject> watchNow(Instant now) {
    JsonObject queued = new JsonObject();
    return Future.join(dependencies(now, queued), poolsLow(now, queued), noLocalNumber(now, queued),
        rested(now, queued))
      .transform(done -> kick(now))
      .compose(v -> prune(now))
      .map(queued);
  }

  /** dependency.down: Redis or PostgreSQL unreachable for the webhook's down_seconds. */
  private Future<Void> dependencies(Instant now, JsonObject queued) {
    Future<Boolean> redisUp = redis.send(Request.cmd(Command.PING)).map(true).otherwise(false);
    Future<Boolean> pgUp = pg.query(WebhookSql.PING).execute().map(true).otherwise(false);
    return Future.all(redisUp, pgUp).compose(both -> {
      List<Future<Boolean>> sent = new ArrayList<>();
      sent.addAll(dependency("redis", both.resultAt(0), now));
      sent.addAll(dependency("postgresql", both.resultAt(1), now));
      return count(queued, AlertEvent.DEPENDENCY_DOWN, sent);
    });
  }

  private List<Future<Boolean>> dependency(String name, boolean up, Instant now) {
    if (up) {
      downSince.remove(name);
      return List.of();
    }
    Instant since = downSince.computeIfAbsent(name, n -> now);
    long seconds = Duration.between(since, now).toSeconds();
    List<Future<Boolean>> sent = new ArrayList<>();
    for (WebhookTarget target : wanting(AlertEvent.DEPENDENCY_DOWN)) {
      if (seconds >= target.conditions().downSeconds()) {
        sent.add(notify(target, AlertEvent.DEPENDENCY_DOWN, name, (name.equals("redis") ? "Redis" : "PostgreSQL")
            + " has been unreachable from " + deliveries.server() + " for " + seconds + " s",
          new JsonObject().put("dependency", name).put("down_since", since.toString()).put("seconds", seconds), now));
      }
    }
    return sent;
  }

  /** pool.free_low: a pool's available share of its numbers in rotation under the threshold for its minutes. */
  private Future<Void> poolsLow(Instant now, JsonObject queued) {
    List<WebhookTarget> wanting = wanting(AlertEvent.POOL_FREE_LOW);
    if (wanting.isEmpty()) {
      return Future.succeededFuture();
    }
    return pg.query(WebhookSql.POOLS).execute()
      .map(rows -> {
        Map<String, Long> read = new LinkedHashMap<>();
        rows.forEach(row -> read.put(row.getString("name"), row.getLong("numbers")));
        return pools = read;
      })
      .otherwise(e -> pools)
      .compose(numbers -> {
        List<String> names = new ArrayList<>(numbers.keySet());
        List<Future<PoolCountsScript.Reply>> reads = new ArrayList<>();
        // Where the numbers are now (real time: a test's later "now" only ages the conditions).
        long realNow = System.currentTimeMillis();
        names.forEach(pool -> reads.add(PoolCountsScript.run(redis, new PoolCountsScript.Args(pool, realNow))));
        return Future.all(reads).compose(all -> {
          List<Future<Boolean>> sent = new ArrayList<>();
          for (int i = 0; i < names.size(); i++) {
            sent.addAll(poolLow(names.get(i), numbers.get(names.get(i)), all.resultAt(i), wanting, now));
          }
          return count(queued, AlertEvent.POOL_FREE_LOW, sent);
        });
      });
  }

  /**
   * {@code numbers}: the pool's numbers in PostgreSQL. A pool with numbers but none in rotation (all resting, flagged
   * or inactive) is 0% free: the worst case of all.
   */
  private List<Future<Boolean>> poolLow(String pool, long numbers, PoolCountsScript.Reply counts,
                                        List<WebhookTarget> wanting, Instant now) {
    long inRotation = counts.available() + counts.reserved() + counts.capped();
    List<Future<Boolean>> sent = new ArrayList<>();
    for (WebhookTarget target : wanting) {
      String key = target.id() + "|" + pool;
      boolean low = inRotation == 0 ? numbers > 0
        : counts.available() * 100 < inRotation * target.conditions().poolFreePercent();
      if (!low) {
        lowSince.remove(key);
        continue;
      }
      Instant since = lowSince.computeIfAbsent(key, k -> now);
      if (Duration.between(since, now).toMinutes() >= target.conditions().poolFreeMinutes()) {
        long percent = inRotation == 0 ? 0 : Math.round(100.0 * counts.available() / inRotation);
        sent.add(notify(target, AlertEvent.POOL_FREE_LOW, pool, "Pool " + pool + ": " + percent + "% of its numbers "
            + "free (" + counts.available() + " of " + inRotation + " in rotation, " + numbers + " in all) since "
            + since,
          new JsonObject().put("pool", pool).put("available", counts.available()).put("reserved", counts.reserved())
            .put("capped", counts.capped()).put("numbers", numbers).put("free_percent", percent)
            .put("low_since", since.toString())
            .put("threshold_percent", target.conditions().poolFreePercent()), now));
      }
    }
    return sent;
  }

  /**
   * area_code.no_local_number: calls to an area code that got no number of it, over the last 15 minutes, every node's.
   * Each node adds what its allocators counted since its last watch (cidrotator_not_local_total) to Redis, a hash per
   * minute kept 20 minutes, then sums the last 15 minutes' hashes: the threshold applies to the cluster's calls.
   */
  private Future<Void> noLocalNumber(Instant now, JsonObject queued) {
    Map<String, Double> counts = new HashMap<>();
    for (Meter meter : Metrics.registry().find("cidrotator_not_local").meters()) {
      if (meter instanceof Counter counter) {
        counts.put(counter.getId().getTag("pool") + "|" + counter.getId().getTag("area_code"), counter.count());
      }
    }
    // The first watch only takes the counts as they are: what came before it is not known by minute.
    Map<String, Double> before = lastDemand;
    lastDemand = counts;
    if (before == null) {
      return Future.succeededFuture();
    }
    long minute = now.getEpochSecond() / 60;
    List<Future<?>> added = new ArrayList<>();
    counts.forEach((key, count) -> {
      long calls = Math.round(count - before.getOrDefault(key, 0.0));
      if (calls > 0) {
        added.add(redis.send(Request.cmd(Command.HINCRBY).arg(demandKey(minute)).arg(key).arg(calls)));
      }
    });
    if (!added.isEmpty()) {
      added.add(redis.send(Request.cmd(Command.EXPIRE).arg(demandKey(minute)).arg(DEMAND_KEPT_SECONDS)));
    }
    return Future.join(added)
      .compose(v -> {
        List<Future<Response>> reads = new ArrayList<>();
        for (long m = minute - DEMAND_WINDOW.toMinutes() + 1; m <= minute; m++) {
          reads.add(redis.send(Request.cmd(Command.HGETALL).arg(demandKey(m))));
        }
        return Future.all(reads);
      })
      .compose(all -> {
        Map<String, Long> window = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
          Response hash = all.resultAt(i);
          if (hash != null) {
            for (String key : hash.getKeys()) {
              window.merge(key, hash.get(key).toLong(), Long::sum);
            }
          }
        }
        return count(queued, AlertEvent.NO_LOCAL_NUMBER, demandAlerts(window, now));
      });
  }

  private List<Future<Boolean>> demandAlerts(Map<String, Long> window, Instant now) {
    List<Future<Boolean>> sent = new ArrayList<>();
    for (WebhookTarget target : wanting(AlertEvent.NO_LOCAL_NUMBER)) {
      window.forEach((key, calls) -> {
        if (calls >= target.conditions().noLocalCalls()) {
          String pool = key.substring(0, key.indexOf('|'));
          String areaCode = key.substring(key.indexOf('|') + 1);
          sent.add(notify(target, AlertEvent.NO_LOCAL_NUMBER, pool + "/" + areaCode, "Pool " + pool + ": " + calls
              + " calls to area code " + areaCode + " in 15 minutes found no free number of it",
            new JsonObject().put("pool", pool).put("area_code", areaCode).put("calls", calls)
              .put("minutes", DEMAND_WINDOW.toMinutes()), now));
        }
      });
    }
    return sent;
  }

  private static String demandKey(long minute) {
    return RedisKeys.PREFIX + "demand:" + minute;
  }

  /** numbers.rested: more numbers of a pool rested (retirements included) in the last hour than the threshold. */
  private Future<Void> rested(Instant now, JsonObject queued) {
    List<WebhookTarget> wanting = wanting(AlertEvent.NUMBERS_RESTED);
    if (wanting.isEmpty()) {
      return Future.succeededFuture();
    }
    return pg.preparedQuery(WebhookSql.RESTED_SINCE).execute(Tuple.of(now.minus(Duration.ofHours(1))
        .atOffset(ZoneOffset.UTC)))
      .compose(rows -> {
        List<Future<Boolean>> sent = new ArrayList<>();
        for (Row row : rows) {
          long rested = row.getLong("rested");
          String pool = row.getString("pool");
          for (WebhookTarget target : wanting) {
            if (rested > target.conditions().restedPerHour()) {
              sent.add(notify(target, AlertEvent.NUMBERS_RESTED, pool, "Pool " + pool + ": " + rested
                  + " numbers rested in the last hour",
                new JsonObject().put("pool", pool).put("rested_last_hour", rested)
                  .put("threshold", target.conditions().restedPerHour()), now));
            }
          }
        }
        return count(queued, AlertEvent.NUMBERS_RESTED, sent);
      });
  }

  /** Queues the delivery unless the same event of the same subject went to {@code target} within its cooldown. */
  private Future<Boolean> notify(WebhookTarget target, AlertEvent event, String subject, String summary,
                                 JsonObject data, Instant now) {
    long cooldownMs = Duration.ofMinutes(target.conditions().cooldownMinutes()).toMillis();
    String key = RedisKeys.PREFIX + "alert:" + target.id() + ":" + event.label() + ":" + subject;
    return redis.send(Request.cmd(Command.SET).arg(key).arg("1").arg("NX").arg("PX").arg(cooldownMs))
      .map(reply -> reply != null)
      .otherwise(e -> {
        Instant until = localCooldowns.get(key);
        if (until != null && until.isAfter(now)) {
          return false;
        }
        localCooldowns.put(key, now.plusMillis(cooldownMs));
        return true;
      })
      .compose(first -> !first ? Future.succeededFuture(false)
        : deliveries.queue(target, event, subject, summary, data, now).map(true));
  }

  private List<WebhookTarget> wanting(AlertEvent event) {
    return targets.stream().filter(target -> target.active() && target.events().contains(event)).toList();
  }

  /** Starts a round of sends now; not waited for (a slow receiver must not hold the watch). */
  private Future<Void> kick(Instant now) {
    deliveries.sendDue(now).onFailure(e -> LOG.debug("Webhook deliveries not sent now: {}", e.getMessage()));
    return Future.succeededFuture();
  }

  private Future<Void> prune(Instant now) {
    if (Duration.between(pruned, now).toHours() < 1) {
      return Future.succeededFuture();
    }
    pruned = now;
    localCooldowns.values().removeIf(until -> until.isBefore(now));
    return pg.preparedQuery(WebhookSql.PRUNE_DELIVERIES).execute(Tuple.of(now.minus(LOG_KEPT)
      .atOffset(ZoneOffset.UTC))).<Void>mapEmpty().otherwiseEmpty();
  }

  private static Future<Void> count(JsonObject queued, AlertEvent event, List<Future<Boolean>> sent) {
    return Future.join(sent).transform(done -> {
      queued.put(event.label(), queued.getInteger(event.label(), 0) + count(sent));
      return Future.succeededFuture();
    });
  }

  private static int count(List<Future<Boolean>> sent) {
    return (int) sent.stream().filter(f -> f.succeeded() && f.result()).count();
  }

}
