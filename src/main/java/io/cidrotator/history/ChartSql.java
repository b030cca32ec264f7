package io.cidrotator.history;

/** Every SQL statement of the dashboard's charts and of a number's history. */
final class ChartSql {

  /**
   * Allocations per campaign and UTC hour since $1 (an hour start). The range on allocated_at is what lets
   * the BRIN index skip the older blocks.
   */
  static final String ALLOCATIONS_PER_HOUR = """
    SELECT campaign, floor(extract(EPOCH FROM allocated_at) / 3600)::bigint AS hour, count(*) AS allocations
    FROM allocations
    WHERE allocated_at >= $1
    GROUP BY campaign, hour
    ORDER BY campaign NULLS LAST, hour""";

  /**
   * Per area code: allocations to destinations of it since $1, those served outside it (a tier beyond prefix and
   * area_code), and the active numbers of that area code; area codes with numbers and no demand are listed too.
   */
  static final String AREA_CODES = """
    WITH demand AS (
      SELECT area_code, count(*) AS demand, count(*) FILTER (WHERE tier NOT IN ('prefix', 'area_code')) AS fallbacks
      FROM allocations
      WHERE allocated_at >= $1
      GROUP BY area_code),
    supply AS (
      SELECT area_code, count(*) AS local_numbers
      FROM caller_ids
      WHERE is_active
      GROUP BY area_code)
    SELECT coalesce(d.area_code, s.area_code) AS area_code, coalesce(d.demand, 0) AS demand,
           coalesce(d.fallbacks, 0) AS fallbacks, coalesce(s.local_numbers, 0) AS local_numbers
    FROM demand d
    FULL JOIN supply s ON s.area_code = d.area_code
    ORDER BY demand DESC, area_code
    LIMIT 100""";

  /**
   * The numbers used most since $1 (the start of today in TIMEZONE), at most $4, with their caps resolved:
   * the number's own, else its pool's, else the server's defaults ($2 daily, $3 hourly).
   */
  static final String USAGE_TODAY = """
    SELECT a.caller_id, count(*) AS uses_today,
           coalesce(c.daily_limit, p.daily_limit, $2) AS daily_limit,
           coalesce(c.hourly_limit, p.hourly_limit, $3) AS hourly_limit
    FROM allocations a
    LEFT JOIN caller_ids c ON c.caller_id = a.caller_id
    LEFT JOIN pools p ON p.name = c.pool
    WHERE a.allocated_at >= $1
    GROUP BY a.caller_id, c.daily_limit, p.daily_limit, c.hourly_limit, p.hourly_limit
    ORDER BY uses_today DESC, a.caller_id
    LIMIT $4""";

  /** Allocations since $1 per campaign (null: none named), and how many of them were not in the area code. */
  static final String CAMPAIGN_ALLOCATIONS = """
    SELECT campaign, count(*) AS allocations, count(*) FILTER (WHERE tier NOT IN ('prefix', 'area_code')) AS not_local
    FROM allocations
    WHERE allocated_at >= $1
    GROUP BY campaign""";

  static final String NUMBER_EXISTS = "SELECT EXISTS (SELECT 1 FROM caller_ids WHERE caller_id = $1) AS known";

  /** A number's last $2 allocations, newest first (the index on caller_id, allocated_at). */
  static final String NUMBER_HISTORY = """
    SELECT id, allocated_at, released_at, destination, campaign, agent, tier, outcome, dial_status, answered_seconds
    FROM allocations
    WHERE caller_id = $1
    ORDER BY allocated_at DESC, id DESC
    LIMIT $2""";

  private ChartSql() {
  }
}
