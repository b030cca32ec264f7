package io.cidrotator.explain;

/** Every SQL statement of explain, in one place. */
final class ExplainSql {

  /** The inactive numbers of pool $1 (Redis keeps no set of them), at most $2. */
  static final String INACTIVE = """
    SELECT caller_id, area_code, prefixes FROM caller_ids
    WHERE pool = $1 AND NOT is_active
    ORDER BY caller_id
    LIMIT $2""";

  private ExplainSql() {
  }
}
