package io.cidrotator.coverage;

/** Every SQL statement of the coverage report. */
final class CoverageSql {

  /** The pool's own hourly cap (null: the server's default); no row for an unknown pool. */
  static final String POOL = "SELECT hourly_limit FROM pools WHERE name = $1";

  /**
   * The pool's demand since $2 per destination area code: allocations, those served in that area code, and the mean
   * time a released call held its number.
   */
  static final String DEMAND = """
    SELECT area_code, count(*) AS demand, count(*) FILTER (WHERE tier IN ('prefix', 'area_code')) AS local,
           avg(EXTRACT(EPOCH FROM released_at - allocated_at)) FILTER (WHERE released_at IS NOT NULL) AS hold_seconds
    FROM allocations
    WHERE pool = $1 AND allocated_at >= $2
    GROUP BY area_code""";

  /** Each destination area code's busiest hour since $2 (the earliest of equals). */
  static final String PEAK_HOURS = """
    SELECT DISTINCT ON (area_code) area_code, date_trunc('hour', allocated_at) AS hour, count(*) AS allocations
    FROM allocations
    WHERE pool = $1 AND allocated_at >= $2
    GROUP BY area_code, date_trunc('hour', allocated_at)
    ORDER BY area_code, count(*) DESC, date_trunc('hour', allocated_at)""";

  /** The pool's active numbers per area code and their hourly capacity (caps resolved: own, pool's, $2). */
  static final String SUPPLY = """
    SELECT c.area_code, count(*) AS numbers, sum(coalesce(c.hourly_limit, p.hourly_limit, $2)) AS hourly_capacity
    FROM caller_ids c JOIN pools p ON p.name = c.pool
    WHERE c.pool = $1 AND c.is_active
    GROUP BY c.area_code""";

  private CoverageSql() {
  }
}
