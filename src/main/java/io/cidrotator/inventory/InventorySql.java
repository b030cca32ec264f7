package io.cidrotator.inventory;

/** Every SQL statement of the inventory and its history, in one place. */
final class InventorySql {

  static final String INSERT_NUMBER = """
    INSERT INTO caller_ids (caller_id, carrier, area_code, hourly_limit, daily_limit, pool)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (caller_id) DO NOTHING
    RETURNING caller_id, carrier, area_code, hourly_limit, daily_limit, last_used, is_active, meta, pool,
              created_at, updated_at
    """;

  /**
   * The columns sync.lua takes, for the statements below. A number's own caps win, else its pool's; NULL left
   * means the server's default.
   */
  private static final String SYNC_COLUMNS = """
    SELECT c.caller_id, c.pool, c.area_code, c.carrier,
           COALESCE(c.hourly_limit, p.hourly_limit) AS hourly_limit,
           COALESCE(c.daily_limit, p.daily_limit) AS daily_limit, c.is_active, c.last_used
    FROM caller_ids c JOIN pools p ON p.name = c.pool
    """;

  /**
   * Keyset page for the full load into Redis ($3 NULL), or for one pool's numbers after its caps changed:
   * stable and cheap however large the table.
   */
  static final String PAGE_FOR_SYNC = SYNC_COLUMNS + """
    WHERE c.caller_id > $1 AND ($3::text IS NULL OR c.pool = $3)
    ORDER BY c.caller_id
    LIMIT $2
    """;

  /** Which of the given caller-IDs the inventory holds (to prune the others from Redis). */
  static final String EXISTING_NUMBERS = """
    SELECT caller_id FROM caller_ids WHERE caller_id = ANY($1::varchar[])
    """;

  /** One number in PAGE_FOR_SYNC's columns. */
  static final String NUMBER_FOR_SYNC = SYNC_COLUMNS + """
    WHERE c.caller_id = $1
    """;

  static final String COUNTS = """
    SELECT count(*) AS total, count(*) FILTER (WHERE is_active) AS active
    FROM caller_ids
    """;

  static final String PING = "SELECT 1";

  static final String INSERT_ALLOCATIONS = """
    INSERT INTO allocations (id, caller_id, destination, area_code, campaign, agent, tier, pool, allocated_at,
                             call_key, uid, call_type, lead_id)
    SELECT id, caller_id, destination, area_code, campaign, agent, tier, pool,
           timestamptz 'epoch' + at_ms * interval '1 millisecond', call_key, uid, call_type, lead_id
    FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::int8[], $10::text[], $11::text[], $12::text[], $13::int8[])
         AS a(id, caller_id, destination, area_code, campaign, agent, tier, pool, at_ms, call_key, uid, call_type,
              lead_id)
    ON CONFLICT (id) DO NOTHING
    """;

  static final String RECORD_RELEASES = """
    UPDATE allocations a
    SET released_at = timestamptz 'epoch' + r.at_ms * interval '1 millisecond', outcome = r.outcome,
        dial_status = r.dial_status, answered_seconds = r.answered_seconds, hangup_cause = r.hangup_cause
    FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::int4[], $6::int2[])
         AS r(id, at_ms, outcome, dial_status, answered_seconds, hangup_cause)
    WHERE a.id = r.id AND a.released_at IS NULL
    RETURNING a.id
    """;

  /** Keeps last_used close to Redis, so a Redis rebuilt from PostgreSQL keeps the LRU order. */
  static final String TOUCH_LAST_USED = """
    UPDATE caller_ids c
    SET last_used = timestamptz 'epoch' + u.at_ms * interval '1 millisecond'
    FROM unnest($1::varchar[], $2::int8[]) AS u(caller_id, at_ms)
    WHERE c.caller_id = u.caller_id
      AND (c.last_used IS NULL OR c.last_used < timestamptz 'epoch' + u.at_ms * interval '1 millisecond')
    """;

  private InventorySql() {
  }
}
