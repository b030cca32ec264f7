package io.cidrotator.pool;

import io.cidrotator.Bus;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.redis.PoolCountsScript;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.reputation.Health;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Prometheus gauges of every pool's numbers, read afresh on the admin verticle before each /metrics scrape
 * ({@link Bus#POOL_GAUGES}; one read at a time, a scrape during one waits for it): where they are in Redis now
 * ({@code cidrotator_pool_numbers{pool, state}}: available, reserved, capped) and on the rest ladder in PostgreSQL
 * ({@code cidrotator_pool_health_numbers{pool, health}}). A source that cannot be read keeps its last values, and
 * {@code cidrotator_pool_gauges_updated_seconds} says when each was last read.
 */
public final class PoolGauges implements Bus.Handlers {

  private static final Logger LOG = LoggerFactory.getLogger(PoolGauges.class);

  private final Pool pg;
  private final ScriptRunner redis;
  private final MultiGauge live;
  private final MultiGauge health;
  private final MultiGauge updated;
  private final Map<String, Double> updatedAt = new LinkedHashMap<>();
  private List<String> pools = List.of();
  private Future<Void> reading;

  public PoolGauges(Pool pg, ScriptRunner redis) {
    this.pg = pg;
    this.redis = redis;
    this.live = MultiGauge.builder("cidrotator_pool_numbers")
      .description("A pool's numbers in rotation now, from Redis: available (free and under their caps), reserved "
        + "(on a live call), capped (at their hourly or daily cap)")
      .register(Metrics.registry());
    this.health = MultiGauge.builder("cidrotator_pool_health_numbers")
      .description("A pool's numbers per state of the rest ladder, from PostgreSQL: healthy, resting (answer rate "
        + "low), probation (back under a lower hourly cap), retired (rested too often), flagged (spam-labelled)")
      .register(Metrics.registry());
    this.updated = MultiGauge.builder("cidrotator_pool_gauges_updated_seconds")
      .description("When the pool gauges were last read from each source (Unix time, seconds)")
      .register(Metrics.registry());
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(Bus.POOL_GAUGES, request -> refresh().map(new JsonObject()));
  }

  /** Reads both sources (Redis for the pools PostgreSQL last named); succeeds when both were tried. */
  Future<Void> refresh() {
    if (reading == null) {
      reading = readHealth().transform(v -> readLive()).otherwiseEmpty().<Void>mapEmpty()
        .onComplete(done -> reading = null);
    }
    return reading;
  }

  private Future<Void> readHealth() {
    return pg.query(PoolSql.HEALTH_COUNTS).execute()
      .map(rows -> {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        for (Row row : rows) {
          Map<String, Long> states = counts.computeIfAbsent(row.getString("pool"), p -> new LinkedHashMap<>());
          if (row.getString("health") != null) {
            states.put(row.getString("health"), row.getLong("numbers"));
          }
        }
        List<MultiGauge.Row<?>> gauges = new ArrayList<>();
        counts.forEach((pool, states) -> {
          for (Health state : Health.values()) {
            gauges.add(MultiGauge.Row.of(Tags.of("pool", pool, "health", state.label()),
              states.getOrDefault(state.label(), 0L)));
          }
        });
        health.register(gauges, true);
        pools = List.copyOf(counts.keySet());
        touched("postgresql");
        return (Void) null;
      })
      .onFailure(e -> LOG.debug("Pool gauges: PostgreSQL not read: {}", e.getMessage()));
  }

  private Future<Void> readLive() {
    long now = System.currentTimeMillis();
    List<Future<PoolCountsScript.Reply>> reads = new ArrayList<>();
    List<String> read = pools;
    read.forEach(pool -> reads.add(PoolCountsScript.run(redis, new PoolCountsScript.Args(pool, now))));
    return Future.all(reads)
      .map(all -> {
        List<MultiGauge.Row<?>> gauges = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
          PoolCountsScript.Reply counts = all.resultAt(i);
          String pool = read.get(i);
          gauges.add(MultiGauge.Row.of(Tags.of("pool", pool, "state", "available"), counts.available()));
          gauges.add(MultiGauge.Row.of(Tags.of("pool", pool, "state", "reserved"), counts.reserved()));
          gauges.add(MultiGauge.Row.of(Tags.of("pool", pool, "state", "capped"), counts.capped()));
        }
        live.register(gauges, true);
        touched("redis");
        return (Void) null;
      })
      .onFailure(e -> LOG.debug("Pool gauges: Redis not read: {}", e.getMessage()));
  }

  private void touched(String source) {
    updatedAt.put(source, System.currentTimeMillis() / 1000.0);
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    updatedAt.forEach((name, at) -> rows.add(MultiGauge.Row.of(Tags.of("source", name), at)));
    updated.register(rows, true);
  }
}
