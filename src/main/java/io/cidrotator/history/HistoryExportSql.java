package io.cidrotator.history;

/** Every SQL statement of the allocation history's CSV export. */
final class HistoryExportSql {

  /**
   * A keyset page: the allocations from $1 to before $2, after the row ($1, $3) when $3 is not null (the last one of
   * the previous page; the first page has none), of campaign $4 when it is not null, at most $5, in the CSV's column
   * order. The index on (allocated_at, id) gives the order and stops the scan after the page's rows, whether the plan
   * is generic or not (V6__allocations_by_time.sql says what the BRIN index cost instead).
   */
  static final String PAGE = """
    SELECT id, allocated_at, released_at, caller_id, destination, area_code, pool, campaign, agent, tier, outcome,
           dial_status, answered_seconds, hangup_cause, call_key, uid, lead_id
    FROM allocations
    WHERE allocated_at >= $1 AND allocated_at < $2
      AND ($3::uuid IS NULL OR (allocated_at, id) > ($1, $3))
      AND ($4::text IS NULL OR campaign = $4)
    ORDER BY allocated_at, id
    LIMIT $5""";

  private HistoryExportSql() {
  }
}
