package io.cidrotator.audit;

/** Every SQL statement of the audit trail. */
final class AuditSql {

  static final String INSERT = """
    INSERT INTO audit_log (actor, role, action, target, before, after, remote)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    """;

  /** Newest first; every filter is optional (NULL); keyset on id for the next page. */
  static final String PAGE = """
    SELECT id, at, actor, role, action, target, before, after, remote
    FROM audit_log
    WHERE ($1::int8 IS NULL OR id < $1)
      AND ($2::text IS NULL OR actor = $2)
      AND ($3::text IS NULL OR action = $3)
      AND ($4::text IS NULL OR target = $4)
      AND ($5::timestamptz IS NULL OR at >= $5)
      AND ($6::timestamptz IS NULL OR at < $6)
    ORDER BY id DESC
    LIMIT $7
    """;

  private AuditSql() {
  }
}
