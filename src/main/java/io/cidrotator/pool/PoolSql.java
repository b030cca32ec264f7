package io.cidrotator.pool;

/** Every SQL statement of pools and campaign mappings, in one place. */
final class PoolSql {

  static final String LIST_POOLS = """
    SELECT name, reservation_ttl, hourly_limit, daily_limit, tiers, strategy, sticky_days, description, calling_window,
           calling_window_by_region, health, created_at, updated_at
    FROM pools
    ORDER BY name
    """;

  static final String POOL = """
    SELECT name, reservation_ttl, hourly_limit, daily_limit, tiers, strategy, sticky_days, description, calling_window,
           calling_window_by_region, health, created_at, updated_at
    FROM pools
    WHERE name = $1
    """;

  /** The row a write changes, locked: a number or campaign added meanwhile waits for the write to commit. */
  static final String POOL_FOR_UPDATE = POOL + "FOR UPDATE\n";

  static final String POOL_COUNTS = """
    SELECT (SELECT count(*) FROM caller_ids WHERE pool = $1) AS numbers,
           (SELECT count(*) FROM caller_ids WHERE pool = $1 AND is_active) AS active,
           (SELECT count(*) FROM campaigns WHERE pool = $1) AS campaigns,
           (SELECT coalesce(jsonb_object_agg(health, n), '{}') FROM
              (SELECT health, count(*) AS n FROM caller_ids WHERE pool = $1 GROUP BY health) s) AS health
    """;

  /** Every pool's numbers per state of the rest ladder (a pool without numbers: one row, health NULL). */
  static final String HEALTH_COUNTS = """
    SELECT p.name AS pool, c.health, count(c.caller_id) AS numbers
    FROM pools p LEFT JOIN caller_ids c ON c.pool = p.name
    GROUP BY p.name, c.health
    """;

  static final String INSERT_POOL = """
    INSERT INTO pools (name, reservation_ttl, hourly_limit, daily_limit, tiers, description, calling_window,
                       calling_window_by_region, strategy, sticky_days, health)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, jsonb_strip_nulls($11))
    ON CONFLICT (name) DO NOTHING
    RETURNING name, reservation_ttl, hourly_limit, daily_limit, tiers, strategy, sticky_days, description,
           calling_window, calling_window_by_region, health, created_at, updated_at
    """;

  /**
   * A rename cascades to caller_ids.pool and campaigns.pool (ON UPDATE CASCADE). $12: the health thresholds sent,
   * merged into those stored (a null one returns to its default).
   */
  static final String UPDATE_POOL = """
    UPDATE pools
    SET name = $2, reservation_ttl = $3, hourly_limit = $4, daily_limit = $5, tiers = $6, description = $7,
        calling_window = $8, calling_window_by_region = $9, strategy = $10, sticky_days = $11,
        health = jsonb_strip_nulls(health || $12), updated_at = now()
    WHERE name = $1
    RETURNING name, reservation_ttl, hourly_limit, daily_limit, tiers, strategy, sticky_days, description,
           calling_window, calling_window_by_region, health, created_at, updated_at
    """;

  static final String DELETE_POOL = "DELETE FROM pools WHERE name = $1";

  static final String LIST_CAMPAIGNS = """
    SELECT name, pool, description, created_at, updated_at
    FROM campaigns
    ORDER BY name
    """;

  static final String CAMPAIGN = """
    SELECT name, pool, description, created_at, updated_at
    FROM campaigns
    WHERE name = $1
    """;

  static final String CAMPAIGN_FOR_UPDATE = CAMPAIGN + "FOR UPDATE\n";

  static final String INSERT_CAMPAIGN = """
    INSERT INTO campaigns (name, pool, description)
    VALUES ($1, $2, $3)
    ON CONFLICT (name) DO NOTHING
    RETURNING name, pool, description, created_at, updated_at
    """;

  static final String UPSERT_CAMPAIGN = """
    INSERT INTO campaigns (name, pool, description)
    VALUES ($1, $2, $3)
    ON CONFLICT (name) DO UPDATE SET pool = EXCLUDED.pool, description = EXCLUDED.description, updated_at = now()
    RETURNING name, pool, description, created_at, updated_at
    """;

  static final String DELETE_CAMPAIGN = "DELETE FROM campaigns WHERE name = $1";

  private PoolSql() {
  }
}
