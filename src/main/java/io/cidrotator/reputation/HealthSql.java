package io.cidrotator.reputation;

/** Every SQL statement of number health. */
final class HealthSql {

  /** One node checks at a time (the others skip the round); released with the transaction. */
  static final String TAKE_TURN = "SELECT pg_try_advisory_xact_lock(4242013) AS mine";

  /** The round's queries are short: compiling them (JIT) took longer than running them (measured: 245 ms). */
  static final String NO_JIT = "SET LOCAL jit = off";

  /**
   * Marks the allocations whose reservation ran out without a release ($1: now minus a margin for the history still
   * on its way) 'expired', and counts them per number and hour (and pool) as outcomes unknown. The allocations_open
   * index holds only allocations no release ended: small however large the table.
   */
  static final String MARK_EXPIRED = """
    WITH expired AS (
      UPDATE allocations a SET outcome = 'expired'
      WHERE a.released_at IS NULL AND a.outcome IS NULL AND a.expires_at < $1
      RETURNING a.caller_id, a.pool, date_trunc('hour', a.allocated_at) AS hour
    ),
    counted AS (
      SELECT caller_id, pool, hour, count(*) AS expired FROM expired GROUP BY caller_id, pool, hour
    ),
    per_number AS (
      INSERT INTO caller_id_hours AS h (caller_id, hour, pool, expired)
      SELECT caller_id, hour, pool, expired FROM counted
      ON CONFLICT (caller_id, hour) DO UPDATE SET expired = h.expired + excluded.expired, updated_at = now()
    )
    INSERT INTO pool_hours AS h (pool, hour, expired)
    SELECT pool, hour, sum(expired) FROM counted GROUP BY pool, hour
    ON CONFLICT (pool, hour) DO UPDATE SET expired = h.expired + excluded.expired
    """;

  /** Drops the outcomes of hours before $1 (RestLadder.HOURS_KEPT ago), per number and per pool. */
  static final String PRUNE_HOURS = """
    WITH numbers AS (DELETE FROM caller_id_hours WHERE hour < $1)
    DELETE FROM pool_hours WHERE hour < $1
    """;

  /** Each pool's calls and answered calls since $1 (7 days ago), with its thresholds. */
  static final String BASELINES = """
    SELECT p.name AS pool, p.health AS settings, coalesce(sum(h.calls), 0) AS calls,
           coalesce(sum(h.answered), 0) AS answered
    FROM pools p LEFT JOIN pool_hours h ON h.pool = p.name AND h.hour >= $1
    GROUP BY p.name, p.health
    """;

  /**
   * The active, healthy or probation numbers with outcomes counted since $1 (the previous round: only their rates can
   * have risen or fallen since; found among the last hours' rows, a release belonging to the hour of its allocation),
   * with their calls and answered calls since $2 (24 hours ago), and, for a number that came back (from a rest, or by
   * an admin), only of the hours after the one it came back in: it is judged on what it did since, not on the calls
   * that rested it. (updated_at has no index of its own: the count's update then leaves the indexes alone.)
   */
  static final String CANDIDATES = """
    SELECT c.caller_id, c.pool, c.health, s.calls, s.answered
    FROM (SELECT DISTINCT caller_id FROM caller_id_hours
          WHERE hour >= date_trunc('hour', $1::timestamptz) - interval '2 hours' AND updated_at >= $1) recent
    JOIN caller_ids c ON c.caller_id = recent.caller_id
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(h.calls), 0) AS calls, coalesce(sum(h.answered), 0) AS answered
      FROM caller_id_hours h
      WHERE h.caller_id = c.caller_id AND h.hour >= $2
        AND (c.health_since IS NULL OR h.hour > date_trunc('hour', c.health_since))) s
    WHERE c.is_active AND c.health IN ('healthy', 'probation')
    """;

  /** How many times the number was rested since $2 (the audit trail holds every transition). */
  static final String RESTS_SINCE = """
    SELECT count(*) AS rests FROM audit_log WHERE target = $1 AND action = 'caller_id.rest' AND at >= $2
    """;

  /**
   * Moves a number from state $2 to $3 until $4 with the evidence $5; nothing when another node moved it first (the
   * state is no longer $2), or, for a return ($6: the round's time), when its rest, flag or probation no longer ends
   * by then (an admin flagged it again meanwhile). Answers the row before, for the audit.
   */
  static final String MOVE = """
    UPDATE caller_ids c SET health = $3, health_since = now(), health_until = $4, health_reason = $5,
                            updated_at = now()
    FROM (SELECT caller_id, health, health_since, health_until, health_reason FROM caller_ids
          WHERE caller_id = $1 FOR UPDATE) old
    WHERE c.caller_id = old.caller_id AND old.health = $2
      AND ($6::timestamptz IS NULL OR old.health_until <= $6)
    RETURNING old.health AS old_health, old.health_until AS old_until, c.pool
    """;

  /** Numbers whose rest, flag's rest or probation is over by $1, with their pool's thresholds. */
  static final String DUE = """
    SELECT c.caller_id, c.health, p.health AS settings
    FROM caller_ids c JOIN pools p ON p.name = c.pool
    WHERE c.health IN ('resting', 'flagged', 'probation') AND c.health_until <= $1
    ORDER BY c.health_until
    LIMIT 1000
    """;

  /**
   * A number's outcomes per day since $2 (7 days ago, its trend), and the same of its pool ($3); the caller sums the
   * windows it shows.
   */
  static final String NUMBER_DAYS = """
    SELECT 'number' AS whose, hour, calls, answered, short_calls, talk_seconds, unknown, expired
    FROM caller_id_hours WHERE caller_id = $1 AND hour >= $2
    UNION ALL
    SELECT 'pool', hour, calls, answered, short_calls, talk_seconds, unknown, expired
    FROM pool_hours WHERE pool = $3 AND hour >= $2
    ORDER BY hour
    """;

  private HealthSql() {
  }
}
