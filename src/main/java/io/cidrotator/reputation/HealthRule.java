package io.cidrotator.reputation;

import io.vertx.core.json.JsonObject;

/**
 * When a number's answer rate is low for real, not by chance: it had at least {@code min_calls} calls with a known
 * outcome in the last 24 hours, and even the upper end of the 95% Wilson score interval of its answer rate is below
 * {@code ratio} times its pool's answer rate over 7 days. The Wilson interval stays honest for small counts and rates
 * near 0, where the normal approximation is not: 2 answered of 40 calls (5%) has an upper bound of 16.5%, so against a
 * 40% baseline at ratio 0.5 (20%) it rests; 5 of 40 (12.5%, upper bound 26.1%) does not yet.
 */
public final class HealthRule {

  /** z of a 95% two-sided interval. */
  static final double Z = 1.96;
  /** The pool needs this many times min_calls in 7 days for its rate to be a baseline at all. */
  static final int BASELINE_CALLS_PER_MIN_CALLS = 5;
  public static final String NAME = "wilson_upper_95 < ratio * pool_7d_rate";

  private HealthRule() {
  }

  /** The upper end of the 95% Wilson score interval of {@code successes} out of {@code trials} (trials > 0). */
  static double wilsonUpper(long successes, long trials) {
    double n = trials;
    double p = successes / n;
    double z2 = Z * Z;
    double centre = p + z2 / (2 * n);
    double margin = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return Math.min(1, (centre + margin) / (1 + z2 / n));
  }

  /**
   * The evidence that rests a number with {@code answered} of {@code calls} in 24 hours, in a pool that answered
   * {@code poolAnswered} of {@code poolCalls} in 7 days, under {@code settings}; null when the rule does not rest it
   * (too few calls of its own or of the pool, or a rate that may be the pool's by chance).
   */
  static JsonObject restEvidence(long calls, long answered, long poolCalls, long poolAnswered,
                                 HealthSettings settings) {
    if (calls < settings.minCalls() || poolCalls < (long) settings.minCalls() * BASELINE_CALLS_PER_MIN_CALLS) {
      return null;
    }
    double baseline = (double) poolAnswered / poolCalls;
    double upper = wilsonUpper(answered, calls);
    if (upper >= baseline * settings.ratio()) {
      return null;
    }
    return new JsonObject()
      .put("rule", NAME)
      .put("calls_24h", calls)
      .put("answered_24h", answered)
      .put("answer_rate_24h", round((double) answered / calls))
      .put("upper_bound", round(upper))
      .put("pool_calls_7d", poolCalls)
      .put("pool_answer_rate_7d", round(baseline))
      .put("ratio", settings.ratio())
      .put("min_calls", settings.minCalls());
  }

  private static double round(double rate) {
    return Math.round(rate * 10_000) / 10_000.0;
  }
}
