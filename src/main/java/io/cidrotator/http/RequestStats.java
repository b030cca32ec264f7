package io.cidrotator.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Every /next-cid outcome of this server, failures included (the old tool only counted successes, so
 * its success rate was always ~100%). Kept per minute for the last hour, lock-free, shared by the
 * router instances; also exported as {@code cidrotator_next_cid_seconds{outcome}}.
 */
public final class RequestStats {

  private static final int MINUTES = 60;

  private final AtomicLongArray minuteOf = new AtomicLongArray(MINUTES);
  private final AtomicLongArray counts = new AtomicLongArray(MINUTES);
  private final AtomicLongArray nanos = new AtomicLongArray(MINUTES);
  private final Map<String, AtomicLongArray> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public RequestStats(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one request with its outcome (ok, bad_request, rate_limited, unavailable, ...). */
  public void record(String outcome, long elapsedNanos) {
    long minute = System.currentTimeMillis() / 60_000L;
    int slot = (int) (minute % MINUTES);
    long seen = minuteOf.get(slot);
    if (seen != minute && minuteOf.compareAndSet(slot, seen, minute)) {
      // First request of a new minute in this slot: the slot held the same minute an hour ago.
      counts.set(slot, 0);
      nanos.set(slot, 0);
      outcomes.values().forEach(array -> array.set(slot, 0));
    }
    counts.incrementAndGet(slot);
    nanos.addAndGet(slot, elapsedNanos);
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
}
