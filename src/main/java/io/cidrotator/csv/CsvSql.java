package io.cidrotator.csv;

/** Every SQL statement of the CSV import and export. */
final class CsvSql {

  /**
   * The pools a file may name, read before the first pass. A pool deleted while its numbers are being
   * imported makes the foreign key fail that batch, which stops the import.
   */
  static final String POOLS = """
    SELECT name FROM pools
    """;

  /**
   * For each batch's transaction: every number of a batch is looked up in the caller_id index, whatever the
   * table's statistics say. They lag behind a bulk import: a table analysed at 60 rows and then growing by
   * 100,000 in one import made the planner scan the whole table once per batch, testing each row against the
   * 5,000-number array (100,000 rows in 62 s, against 3-5 s). A statement's first executions on a connection also
   * get a custom plan that hashes the whole table (140 ms a batch against 20 ms); the generic plan does not.
   */
  static final String INDEX_LOOKUPS = "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off";

  /**
   * Updates the rows of one batch that exist and would change (no caller_id twice: the import rejects
   * duplicates first). pool, is_active and meta arrive NULL where they keep the row's value (a blank
   * cell, or no such column), prefixes (comma-separated; '' for none) NULL where the file has no such column. A row that would not change is neither written nor locked; a row changed
   * meanwhile by another transaction is compared and kept from its latest version. The ANY($1) lets
   * the planner look the batch up in the caller_id index: joined to unnest alone, it scans the table.
   */
  static final String UPDATE_BATCH = """
    UPDATE caller_ids AS c
    SET carrier = i.carrier, area_code = i.area_code, hourly_limit = i.hourly_limit, daily_limit = i.daily_limit,
        pool = COALESCE(i.pool, c.pool), is_active = COALESCE(i.is_active, c.is_active),
        meta = COALESCE(i.meta::jsonb, c.meta), prefixes = COALESCE(string_to_array(i.prefixes, ','), c.prefixes),
        updated_at = now()
    FROM unnest($1::varchar[], $2::text[], $3::varchar[], $4::int4[], $5::int4[], $6::text[], $7::bool[], $8::text[],
                $9::text[])
         AS i(caller_id, carrier, area_code, hourly_limit, daily_limit, pool, is_active, meta, prefixes)
    WHERE c.caller_id = ANY($1::varchar[])
      AND c.caller_id = i.caller_id
      AND (c.carrier, c.area_code, c.hourly_limit, c.daily_limit, c.pool, c.is_active, c.meta, c.prefixes)
          IS DISTINCT FROM
          (i.carrier, i.area_code, i.hourly_limit, i.daily_limit, COALESCE(i.pool, c.pool),
           COALESCE(i.is_active, c.is_active), COALESCE(i.meta::jsonb, c.meta),
           COALESCE(string_to_array(i.prefixes, ','), c.prefixes))
    RETURNING c.caller_id
    """;

  /**
   * Inserts the rows of the same batch that do not exist yet (run after UPDATE_BATCH, with the same
   * parameters): what neither statement returns was unchanged.
   */
  static final String INSERT_BATCH = """
    INSERT INTO caller_ids (caller_id, carrier, area_code, hourly_limit, daily_limit, pool, is_active, meta, prefixes)
    SELECT caller_id, carrier, area_code, hourly_limit, daily_limit, COALESCE(pool, 'default'),
           COALESCE(is_active, TRUE), COALESCE(meta::jsonb, '{}'::jsonb), COALESCE(string_to_array(prefixes, ','), '{}')
    FROM unnest($1::varchar[], $2::text[], $3::varchar[], $4::int4[], $5::int4[], $6::text[], $7::bool[], $8::text[],
                $9::text[])
         AS i(caller_id, carrier, area_code, hourly_limit, daily_limit, pool, is_active, meta, prefixes)
    ON CONFLICT (caller_id) DO NOTHING
    RETURNING caller_id
    """;

  /** Keyset page of the export, in the CSV's column order. */
  static final String EXPORT_PAGE = """
    SELECT caller_id, carrier, area_code, hourly_limit, daily_limit, pool, is_active, meta, prefixes
    FROM caller_ids
    WHERE caller_id > $1
    ORDER BY caller_id
    LIMIT $2
    """;

  private CsvSql() {
  }
}
