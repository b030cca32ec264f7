package io.cidrotator.reputation;

import io.cidrotator.metrics.Metrics;
import io.micrometer.core.instrument.Counter;

/** The Prometheus counter of the rest ladder's moves and of flags, by pool and the state a number moved to. */
final class HealthMeters {

  private HealthMeters() {
  }

  /** A number of {@code pool} moved to {@code to} (by a round, a flag, an unflag). */
  static void moved(String pool, Health to) {
    Counter.builder("cidrotator_health_transitions")
      .description("Numbers moved on the rest ladder, by pool and the state they moved to: resting (answer rate "
        + "low), retired (rested too often), flagged (an admin's spam flag), probation (a rest or flag over), "
        + "healthy (probation over, unflagged)")
      .tag("pool", pool)
      .tag("to", to.label())
      .register(Metrics.registry())
      .increment();
  }
}
