package io.cidrotator.stats;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Every /next-cid outcome of this server, failures included (the old tool only counted successes, so
 * its success rate was always ~100%). Kept per minute for the last hour, lock-free, shared by the
 * router instances; also exported as {@code cidrotator_next_cid_seconds{outcome}}. Latencies go into
 * log-scale buckets per minute (each 25% wider than the last, from 1 us), so a percentile is exact to a
 * bucket. Also counts the open {@code /api/live} streams ({@code cidrotator_live_streams}).
 */
public final class RequestStats {

  private static final int MINUTES = 60;
  private static final int BUCKETS = 64;
  private static final double BUCKET_GROWTH = 1.25;
  private static final List<String> USUAL_OUTCOMES = List.of("ok", "unavailable", "rate_limited", "bad_request");

  private final AtomicLongArray minuteOf = new AtomicLongArray(MINUTES);
  private final AtomicLongArray counts = new AtomicLongArray(MINUTES);
  private final AtomicLongArray nanos = new AtomicLongArray(MINUTES);
  private final AtomicLongArray latencies = new AtomicLongArray(MINUTES * BUCKETS);
  private final AtomicInteger liveStreams = new AtomicInteger();
  private final Map<String, AtomicLongArray> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public RequestStats(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("cidrotator_live_streams", liveStreams, AtomicInteger::get)
      .description("open /api/live streams")
      .register(registry);
  }

  /** Records one request with its outcome (ok, bad_request, rate_limited, unavailable, ...). */
  public void record(String outcome, long elapsedNanos) {
    record(outcome, elapsedNanos, System.currentTimeMillis());
  }

  void record(String outcome, long elapsedNanos, long nowMs) {
    long minute = nowMs / 60_000L;
    int slot = (int) (minute % MINUTES);
    long seen = minuteOf.get(slot);
    if (seen != minute && minuteOf.compareAndSet(slot, seen, minute)) {
      // First request of a new minute in this slot: the slot held the same minute an hour ago.
      counts.set(slot, 0);
      nanos.set(slot, 0);
      for (int bucket = 0; bucket < BUCKETS; bucket++) {
        latencies.set(slot * BUCKETS + bucket, 0);
      }
      outcomes.values().forEach(array -> array.set(slot, 0));
    }
    counts.incrementAndGet(slot);
    nanos.addAndGet(slot, elapsedNanos);
    latencies.incrementAndGet(slot * BUCKETS + bucket(elapsedNanos));
    outcomes.computeIfAbsent(outcome, o -> new AtomicLongArray(MINUTES)).incrementAndGet(slot);
    timers.computeIfAbsent(outcome, o -> Timer.builder("cidrotator_next_cid")
        .description("/next-cid requests by outcome")
        .tag("outcome", o)
        .register(registry))
      .record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  /** requests_last_hour, avg_response_time_ms and the count of each outcome over the last hour. */
  public JsonObject lastHour() {
    long minute = System.currentTimeMillis() / 60_000L;
    long requests = 0;
    long totalNanos = 0;
    JsonObject byOutcome = new JsonObject();
    for (int slot = 0; slot < MINUTES; slot++) {
      if (minute - minuteOf.get(slot) >= MINUTES) {
        continue;
      }
      requests += counts.get(slot);
      totalNanos += nanos.get(slot);
      for (Map.Entry<String, AtomicLongArray> entry : outcomes.entrySet()) {
        byOutcome.put(entry.getKey(), byOutcome.getLong(entry.getKey(), 0L) + entry.getValue().get(slot));
      }
    }
    double avgMs = requests == 0 ? 0.0 : Math.round(totalNanos / (double) requests / 1000.0) / 1000.0;
    return new JsonObject()
      .put("requests_last_hour", requests)
      .put("avg_response_time_ms", avgMs)
      .put("outcomes_last_hour", byOutcome);
  }

  /**
   * The last full minute (its start in {@code minute}): allocations_per_minute (ok outcomes), outcomes_last_minute
   * (ok, unavailable, rate_limited and bad_request always present) and p50_ms / p99_ms (null without requests).
   */
  public JsonObject lastMinute() {
    return lastMinute(System.currentTimeMillis());
  }

  JsonObject lastMinute(long nowMs) {
    long minute = nowMs / 60_000L - 1;
    int slot = (int) (minute % MINUTES);
    boolean current = minuteOf.get(slot) == minute;
    JsonObject byOutcome = new JsonObject();
    USUAL_OUTCOMES.forEach(outcome -> byOutcome.put(outcome, 0L));
    for (Map.Entry<String, AtomicLongArray> entry : outcomes.entrySet()) {
      byOutcome.put(entry.getKey(), current ? entry.getValue().get(slot) : 0L);
    }
    long[] histogram = new long[BUCKETS];
    long total = 0;
    for (int bucket = 0; current && bucket < BUCKETS; bucket++) {
      histogram[bucket] = latencies.get(slot * BUCKETS + bucket);
      total += histogram[bucket];
    }
    return new JsonObject()
      .put("minute", Instant.ofEpochMilli(minute * 60_000L).toString())
      .put("allocations_per_minute", byOutcome.getLong("ok"))
      .put("outcomes_last_minute", byOutcome)
      .put("p50_ms", percentile(histogram, total, 0.50))
      .put("p99_ms", percentile(histogram, total, 0.99));
  }

  /** Counts an /api/live stream opening; {@link #liveStreamClosed()} when it ends. */
  public void liveStreamOpened() {
    liveStreams.incrementAndGet();
  }

  public void liveStreamClosed() {
    liveStreams.decrementAndGet();
  }

  private static int bucket(long elapsedNanos) {
    double micros = Math.max(1.0, elapsedNanos / 1000.0);
    return (int) Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / Math.log(BUCKET_GROWTH)));
  }

  /** The upper bound, in ms, of the bucket holding the {@code fraction} quantile; null for no requests. */
  private static Double percentile(long[] histogram, long total, double fraction) {
    if (total == 0) {
      return null;
    }
    long rank = (long) Math.ceil(fraction * total);
    long seen = 0;
    int bucket = 0;
    while (bucket < BUCKETS - 1) {
      seen += histogram[bucket];
      if (seen >= rank) {
        break;
      }
      bucket++;
    }
    return Math.round(Math.pow(BUCKET_GROWTH, bucket)) / 1000.0;
  }
}
