package io.cidrotator.callerid;

import java.util.Map;

/** Every SQL statement of the caller-ID admin API. */
final class CallerIdSql {

  private static final String COLUMNS = """
    caller_id, carrier, area_code, hourly_limit, daily_limit, last_used, is_active, meta, pool, prefixes, created_at,
    updated_at, health, health_since, health_until, health_reason""";

  /**
   * Every filter is optional (NULL): area code, pool, carrier, active, text found in the number or carrier, health
   * state.
   */
  private static final String FILTER = """
    WHERE ($1::text IS NULL OR area_code = $1)
      AND ($2::text IS NULL OR pool = $2)
      AND ($3::text IS NULL OR carrier = $3)
      AND ($4::bool IS NULL OR is_active = $4)
      AND ($5::text IS NULL OR strpos(caller_id, $5) > 0 OR strpos(lower(coalesce(carrier, '')), lower($5)) > 0)
      AND ($6::text IS NULL OR health = $6)
    """;

  static final String COUNT = "SELECT count(*) AS total FROM caller_ids\n" + FILTER;

  /** The sort orders a page can ask for; the caller_id breaks ties so pages never overlap. */
  static final Map<String, String> ORDERS = Map.ofEntries(
    Map.entry("caller_id", "caller_id"),
    Map.entry("-caller_id", "caller_id DESC"),
    Map.entry("area_code", "area_code, caller_id"),
    Map.entry("-area_code", "area_code DESC, caller_id"),
    Map.entry("carrier", "carrier NULLS LAST, caller_id"),
    Map.entry("-carrier", "carrier DESC NULLS LAST, caller_id"),
    Map.entry("pool", "pool, caller_id"),
    Map.entry("-pool", "pool DESC, caller_id"),
    Map.entry("last_used", "last_used NULLS FIRST, caller_id"),
    Map.entry("-last_used", "last_used DESC NULLS LAST, caller_id"),
    Map.entry("created_at", "created_at, caller_id"),
    Map.entry("-created_at", "created_at DESC, caller_id"),
    Map.entry("updated_at", "updated_at, caller_id"),
    Map.entry("-updated_at", "updated_at DESC, caller_id"));

  /** One page in the order {@code order} (a key of {@link #ORDERS}); $7 limit, $8 offset. */
  static String page(String order) {
    return "SELECT " + COLUMNS + " FROM caller_ids\n" + FILTER + "ORDER BY " + ORDERS.get(order)
      + "\nLIMIT $7 OFFSET $8";
  }

  static final String ONE = "SELECT " + COLUMNS + " FROM caller_ids WHERE caller_id = $1";

  static final String LOCK_ONE = ONE + " FOR UPDATE";

  /** Every pool's caps (a few rows): a number without caps of its own takes its pool's. */
  static final String POOL_CAPS = "SELECT name, hourly_limit, daily_limit FROM pools";

  static final String INSERT = """
    INSERT INTO caller_ids (caller_id, carrier, area_code, hourly_limit, daily_limit, is_active, pool, meta, prefixes)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (caller_id) DO NOTHING
    RETURNING\s""" + COLUMNS;

  /**
   * A partial update: each settable column has a flag saying whether the request named it, because
   * a named limit of null means "back to the default", which is not the same as leaving it alone. $12: back to
   * healthy on the rest ladder (out of a rest, probation or retirement).
   */
  static final String UPDATE = """
    UPDATE caller_ids SET
      carrier      = CASE WHEN $2 THEN $3 ELSE carrier END,
      hourly_limit = CASE WHEN $4 THEN $5 ELSE hourly_limit END,
      daily_limit  = CASE WHEN $6 THEN $7 ELSE daily_limit END,
      is_active    = coalesce($8, is_active),
      pool         = coalesce($9, pool),
      meta         = coalesce($10, meta),
      prefixes     = coalesce($11, prefixes),
      health        = CASE WHEN $12 THEN 'healthy' ELSE health END,
      health_since  = CASE WHEN $12 THEN now() ELSE health_since END,
      health_until  = CASE WHEN $12 THEN NULL ELSE health_until END,
      health_reason = CASE WHEN $12 THEN '{"rule": "an admin made it healthy"}'::jsonb ELSE health_reason END,
      updated_at   = now()
    WHERE caller_id = $1
    RETURNING\s""" + COLUMNS;

  static final String DEACTIVATE = """
    UPDATE caller_ids SET is_active = FALSE, updated_at = now()
    WHERE caller_id = $1
    RETURNING\s""" + COLUMNS;

  static final String DELETE = "DELETE FROM caller_ids WHERE caller_id = $1";

  private CallerIdSql() {
  }
}
