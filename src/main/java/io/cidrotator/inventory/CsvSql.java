package io.cidrotator.inventory;

/** Every SQL statement of the CSV import and export. */
final class CsvSql {

  /**
   * The pools a file may name. KEY SHARE keeps them from being deleted or renamed until the import
   * commits, so a row accepted against this list cannot fail the foreign key of the whole batch.
   */
  static final String POOLS = """
    SELECT name FROM pools FOR KEY SHARE
    """;

  /**
   * Upserts one batch (no caller_id twice: the import rejects duplicates first). pool, is_active and meta
   * arrive NULL where they keep the existing row's value (a blank cell, or no such column); the existing
   * rows are locked before they are read, so a concurrent change is never written back over. A row that
   * would not change is neither written nor returned: unchanged = batch size - rows returned.
   */
  static final String UPSERT = """
    WITH input AS (
      SELECT *
      FROM unnest($1::varchar[], $2::text[], $3::varchar[], $4::int4[], $5::int4[], $6::text[], $7::bool[],
                  $8::text[])
           AS i(caller_id, carrier, area_code, hourly_limit, daily_limit, pool, is_active, meta)
    ),
    existing AS (
      SELECT c.caller_id, c.pool, c.is_active, c.meta
      FROM caller_ids c
      WHERE c.caller_id IN (SELECT caller_id FROM input)
      FOR UPDATE
    )
    INSERT INTO caller_ids AS c (caller_id, carrier, area_code, hourly_limit, daily_limit, pool, is_active, meta)
    SELECT i.caller_id, i.carrier, i.area_code, i.hourly_limit, i.daily_limit,
           COALESCE(i.pool, e.pool, 'default'), COALESCE(i.is_active, e.is_active, TRUE),
           COALESCE(i.meta::jsonb, e.meta, '{}'::jsonb)
    FROM input i
    LEFT JOIN existing e ON e.caller_id = i.caller_id
    ON CONFLICT (caller_id) DO UPDATE
    SET carrier = excluded.carrier, area_code = excluded.area_code, hourly_limit = excluded.hourly_limit,
        daily_limit = excluded.daily_limit, pool = excluded.pool, is_active = excluded.is_active,
        meta = excluded.meta, updated_at = now()
    WHERE (c.carrier, c.area_code, c.hourly_limit, c.daily_limit, c.pool, c.is_active, c.meta)
          IS DISTINCT FROM
          (excluded.carrier, excluded.area_code, excluded.hourly_limit, excluded.daily_limit, excluded.pool,
           excluded.is_active, excluded.meta)
    RETURNING c.caller_id, (c.xmax = 0) AS inserted
    """;

  /** Numbers in InventorySql.PAGE_FOR_SYNC's columns, to write the changed ones to Redis. */
  static final String NUMBERS_FOR_SYNC = """
    SELECT caller_id, pool, area_code, carrier, hourly_limit, daily_limit, is_active, last_used
    FROM caller_ids
    WHERE caller_id = ANY($1::varchar[])
    ORDER BY caller_id
    """;

  /** Keyset page of the export, in the CSV's column order. */
  static final String EXPORT_PAGE = """
    SELECT caller_id, carrier, area_code, hourly_limit, daily_limit, pool, is_active, meta
    FROM caller_ids
    WHERE caller_id > $1
    ORDER BY caller_id
    LIMIT $2
    """;

  private CsvSql() {
  }
}
