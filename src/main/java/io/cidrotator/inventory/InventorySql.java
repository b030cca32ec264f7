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

  /** Given numbers in PAGE_FOR_SYNC's columns (the ones a CSV import changed). */
  static final String NUMBERS_FOR_SYNC = SYNC_COLUMNS + """
    WHERE c.caller_id = ANY($1::varchar[])
    ORDER BY c.caller_id
    """;

  static final String COUNTS = """
    SELECT count(*) AS total, count(*) FILTER (WHERE is_active) AS active
    FROM caller_ids
    """;

  /** What settings.lua takes: every pool's TTL and fallback ... */
  static final String POOL_SETTINGS = "SELECT name, reservation_ttl, fallback FROM pools ORDER BY name";

  /** ... and every campaign's pool. */
  static final String CAMPAIGN_POOLS = "SELECT name, pool FROM campaigns ORDER BY name";

  private InventorySql() {
  }
}
