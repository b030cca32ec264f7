package io.cidrotator.inventory;

/** Every SQL statement of loading the inventory into Redis, and of its counts. */
final class InventorySql {

  /**
   * The columns sync.lua takes, for the statements below. A number's own caps win, else its pool's; NULL left
   * means the server's default.
   */
  private static final String SYNC_COLUMNS = """
    SELECT c.caller_id, c.pool, c.area_code, c.carrier,
           COALESCE(c.hourly_limit, p.hourly_limit) AS hourly_limit,
           COALESCE(c.daily_limit, p.daily_limit) AS daily_limit, c.is_active, c.last_used, c.prefixes, c.health,
           p.health AS pool_health
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

  /**
   * For the transaction of NUMBERS_FOR_SYNC: each number looked up in the caller_id index whatever the statistics
   * say (during a CSV import they lag behind the table; a scan per batch made an import 15 times slower).
   */
  static final String INDEX_LOOKUPS = "SET LOCAL enable_seqscan = off";

  /** Given numbers in PAGE_FOR_SYNC's columns (the ones a CSV import changed). */
  static final String NUMBERS_FOR_SYNC = SYNC_COLUMNS + """
    WHERE c.caller_id = ANY($1::varchar[])
    ORDER BY c.caller_id
    """;

  /**
   * PAGE_FOR_SYNC's columns, and what the history says of each number now: its allocations since $1 (the current
   * hour's start) and $2 (the day's, in TIMEZONE), taken-back ones not counted, and its allocation made since $3
   * (now minus the longest reservation TTL) that no release ended yet, and its latest allocation since $3, ended
   * or not. The (caller_id, allocated_at) index serves all three. The numbers follow (REBUILD_PAGE, RECONCILE_NUMBERS).
   */
  private static final String HISTORY_COLUMNS = """
    SELECT c.caller_id, c.pool, c.area_code, c.carrier,
           COALESCE(c.hourly_limit, p.hourly_limit) AS hourly_limit,
           COALESCE(c.daily_limit, p.daily_limit) AS daily_limit, c.is_active, c.last_used, c.prefixes, c.health,
           p.health AS pool_health, p.reservation_ttl,
           u.uses_this_hour, u.uses_today, u.last_allocated,
           r.id AS rid, r.campaign AS rcampaign, r.agent AS ragent, r.destination AS rdest, r.allocated_at AS rat,
           r.expires_at AS rexp, r.tier AS rtier, r.call_key AS rcall_key, r.uid AS ruid,
           l.id AS lid, l.allocated_at AS lat, l.released_at IS NOT NULL AS lended
    FROM caller_ids c JOIN pools p ON p.name = c.pool
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE a.allocated_at >= $1) AS uses_this_hour, count(*) AS uses_today,
             max(a.allocated_at) AS last_allocated
      FROM allocations a
      WHERE a.caller_id = c.caller_id AND a.allocated_at >= $2 AND a.outcome IS DISTINCT FROM 'taken_back') u
    LEFT JOIN LATERAL (
      SELECT a.id, a.campaign, a.agent, a.destination, a.allocated_at, a.expires_at, a.tier, a.call_key, a.uid
      FROM allocations a
      WHERE a.caller_id = c.caller_id AND a.allocated_at >= $3 AND a.released_at IS NULL
      ORDER BY a.allocated_at DESC
      LIMIT 1) r ON TRUE
    LEFT JOIN LATERAL (
      SELECT a.id, a.allocated_at, a.released_at
      FROM allocations a
      WHERE a.caller_id = c.caller_id AND a.allocated_at >= $3
      ORDER BY a.allocated_at DESC
      LIMIT 1) l ON TRUE
    """;

  /** HISTORY_COLUMNS of a keyset page of every number ($6 NULL) or of one pool's: a Redis that lost the index. */
  static final String REBUILD_PAGE = HISTORY_COLUMNS + """
    WHERE c.caller_id > $4 AND ($6::text IS NULL OR c.pool = $6)
    ORDER BY c.caller_id
    LIMIT $5
    """;

  /** HISTORY_COLUMNS of the given numbers: the recently used ones, when Redis came from another server. */
  static final String RECONCILE_NUMBERS = HISTORY_COLUMNS + """
    WHERE c.caller_id = ANY($4::varchar[])
    ORDER BY c.caller_id
    """;

  /**
   * The numbers allocated since $1: the only ones whose counts or reservation the last writes to a Redis could
   * have changed, when they may be lost (the BRIN index on allocated_at serves it).
   */
  static final String RECENT_NUMBERS = """
    SELECT DISTINCT caller_id FROM allocations WHERE allocated_at >= $1
    """;

  /** The longest reservation TTL of any pool, in seconds; NULL when every pool takes the server's default. */
  static final String LONGEST_TTL = "SELECT max(reservation_ttl) AS ttl FROM pools";

  /**
   * The numbers in all, active, per state of the rest ladder, and the numbers rested (retirements included) and
   * flagged since $1 (the start of today in the server's time zone).
   */
  static final String COUNTS = """
    SELECT count(*) AS total, count(*) FILTER (WHERE is_active) AS active,
           count(*) FILTER (WHERE health = 'healthy') AS healthy,
           count(*) FILTER (WHERE health = 'resting') AS resting,
           count(*) FILTER (WHERE health = 'probation') AS probation,
           count(*) FILTER (WHERE health = 'retired') AS retired,
           count(*) FILTER (WHERE health = 'flagged') AS flagged,
           (SELECT count(*) FROM audit_log WHERE at >= $1 AND action = 'caller_id.rest') AS rested_today,
           (SELECT count(DISTINCT target) FROM audit_log WHERE at >= $1 AND action = 'caller_id.flag') AS flagged_today
    FROM caller_ids
    """;

  /** What settings.lua takes: every pool's TTL, tiers, strategy and calling windows ... */
  static final String POOL_SETTINGS = """
    SELECT name, reservation_ttl, tiers, strategy, sticky_days, calling_window, calling_window_by_region
    FROM pools
    ORDER BY name""";

  /** ... and every campaign's pool. */
  static final String CAMPAIGN_POOLS = "SELECT name, pool FROM campaigns ORDER BY name";

  private InventorySql() {
  }
}
