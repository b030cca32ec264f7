package io.cidrotator.history;

/** Every SQL statement of writing the allocation history. */
final class HistorySql {

  /**
   * For each batch's transaction. RECORD_RELEASES finds its rows by id: a lookup in the primary key per release,
   * about 10 ms for a batch of 1,000 however large the table. But on a table PostgreSQL has not analyzed yet (a
   * new installation, the bench's fresh one) the planner cannot see that, and hashes the batch against a scan of
   * the whole table: 118 ms a batch at 300,000 rows, growing with every batch, and the plan stays cached on the
   * connection until autovacuum's first analyze (measured: a minute and 340,000 rows into a bench run, PostgreSQL
   * spent twice the CPU until then, which was why the first measured round ran 15-30% slow).
   */
  static final String INDEX_LOOKUPS = "SET LOCAL enable_seqscan = off";

  static final String INSERT_ALLOCATIONS = """
    INSERT INTO allocations (id, caller_id, destination, area_code, campaign, agent, tier, pool, allocated_at,
                             expires_at, call_key, uid, call_type, lead_id)
    SELECT id, caller_id, destination, area_code, campaign, agent, tier, pool,
           timestamptz 'epoch' + at_ms * interval '1 millisecond',
           timestamptz 'epoch' + expires_ms * interval '1 millisecond', call_key, uid, call_type, lead_id
    FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::int8[], $10::int8[], $11::text[], $12::text[], $13::text[], $14::int8[])
         AS a(id, caller_id, destination, area_code, campaign, agent, tier, pool, at_ms, expires_ms, call_key, uid,
              call_type, lead_id)
    ON CONFLICT (id) DO NOTHING
    """;

  /**
   * Ends the released allocations and counts their outcomes per number and hour of the allocation (and per pool: its
   * baseline) in caller_id_hours and pool_hours, in the same statement: a release is counted exactly once, when its
   * row is ended (a batch written again after a crash finds it ended and counts nothing). Answered: Asterisk's
   * DIALSTATUS ANSWER, or answered seconds; a release with neither has an unknown outcome, not a failed one. $7: the
   * short-call threshold of a pool that sets none (HealthSettings.DEFAULTS).
   */
  static final String RECORD_RELEASES = """
    WITH released AS (
      UPDATE allocations a
      SET released_at = timestamptz 'epoch' + r.at_ms * interval '1 millisecond', outcome = r.outcome,
          dial_status = r.dial_status, answered_seconds = r.answered_seconds, hangup_cause = r.hangup_cause
      FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::int4[], $6::int2[])
           AS r(id, at_ms, outcome, dial_status, answered_seconds, hangup_cause)
      WHERE a.id = r.id AND a.released_at IS NULL AND a.outcome IS NULL
      RETURNING a.caller_id, a.pool, date_trunc('hour', a.allocated_at) AS hour, a.outcome,
                a.dial_status IS NOT NULL OR a.answered_seconds IS NOT NULL AS known,
                coalesce(upper(a.dial_status) = 'ANSWER' OR a.answered_seconds > 0, false) AS answered,
                a.answered_seconds
    ),
    counted AS (
      SELECT r.caller_id, r.pool, r.hour,
             count(*) FILTER (WHERE r.known) AS calls,
             count(*) FILTER (WHERE r.answered) AS answered,
             count(*) FILTER (WHERE r.answered AND coalesce(r.answered_seconds, 0)
               < coalesce((p.health ->> 'short_call_seconds')::int, $7)) AS short_calls,
             coalesce(sum(r.answered_seconds) FILTER (WHERE r.answered), 0) AS talk_seconds,
             count(*) FILTER (WHERE NOT r.known) AS unknown
      FROM released r LEFT JOIN pools p ON p.name = r.pool
      WHERE r.outcome = 'released'
      GROUP BY r.caller_id, r.pool, r.hour
    ),
    per_number AS (
      INSERT INTO caller_id_hours AS h (caller_id, hour, pool, calls, answered, short_calls, talk_seconds, unknown)
      SELECT caller_id, hour, pool, calls, answered, short_calls, talk_seconds, unknown FROM counted
      ON CONFLICT (caller_id, hour) DO UPDATE
      SET calls = h.calls + excluded.calls, answered = h.answered + excluded.answered,
          short_calls = h.short_calls + excluded.short_calls, talk_seconds = h.talk_seconds + excluded.talk_seconds,
          unknown = h.unknown + excluded.unknown, updated_at = now()
    )
    INSERT INTO pool_hours AS h (pool, hour, calls, answered, short_calls, talk_seconds, unknown)
    SELECT pool, hour, sum(calls), sum(answered), sum(short_calls), sum(talk_seconds), sum(unknown)
    FROM counted GROUP BY pool, hour
    ON CONFLICT (pool, hour) DO UPDATE
    SET calls = h.calls + excluded.calls, answered = h.answered + excluded.answered,
        short_calls = h.short_calls + excluded.short_calls, talk_seconds = h.talk_seconds + excluded.talk_seconds,
        unknown = h.unknown + excluded.unknown
    """;

  /** Allocations taken back before any caller was answered with them (undo.lua): they leave the history. */
  static final String REMOVE_UNDONE = "DELETE FROM allocations WHERE id = ANY($1::uuid[])";

  /** Keeps last_used close to Redis, so a Redis rebuilt from PostgreSQL keeps the LRU order. */
  static final String TOUCH_LAST_USED = """
    UPDATE caller_ids c
    SET last_used = timestamptz 'epoch' + u.at_ms * interval '1 millisecond'
    FROM unnest($1::varchar[], $2::int8[]) AS u(caller_id, at_ms)
    WHERE c.caller_id = u.caller_id
      AND (c.last_used IS NULL OR c.last_used < timestamptz 'epoch' + u.at_ms * interval '1 millisecond')
    """;

  private HistorySql() {
  }
}
