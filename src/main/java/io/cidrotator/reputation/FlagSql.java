package io.cidrotator.reputation;

/** Every SQL statement of spam flags. */
final class FlagSql {

  /**
   * The numbers $1 (an array) with their state on the ladder and their pool's thresholds, locked in caller_id order
   * (two writes flagging the same numbers wait for each other instead of deadlocking).
   */
  static final String LOCK_NUMBERS = """
    SELECT c.caller_id, c.pool, c.health, c.health_until, p.health AS settings
    FROM caller_ids c JOIN pools p ON p.name = c.pool
    WHERE c.caller_id = ANY($1)
    ORDER BY c.caller_id
    FOR UPDATE OF c
    """;

  private static final String COLUMNS = """
    id, caller_id, source, label, flagged_on, note, created_at, created_by, ended_at, ended_by, end_reason""";

  /** Records flags: $1..$5 arrays of caller_id, source, label, flagged_on, note (one element per flag); $6 by whom. */
  static final String INSERT = """
    INSERT INTO caller_id_flags (caller_id, source, label, flagged_on, note, created_by)
    SELECT f.caller_id, f.source, f.label, f.flagged_on, f.note, $6
    FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[])
      AS f(caller_id, source, label, flagged_on, note)
    RETURNING\s""" + COLUMNS;

  /**
   * The number $1 flagged until $2 with the evidence $3: a number flagged already keeps the time it was first flagged
   * (its until is the later of the two, decided by the caller).
   */
  static final String FLAG_NUMBER = """
    UPDATE caller_ids
    SET health = 'flagged', health_since = CASE WHEN health = 'flagged' THEN health_since ELSE now() END,
        health_until = $2, health_reason = $3, updated_at = now()
    WHERE caller_id = $1
    """;

  /** Ends the open flags of the number $1 ($2 by whom, $3 why); answers them. */
  static final String END_OPEN = """
    UPDATE caller_id_flags SET ended_at = now(), ended_by = $2, end_reason = $3
    WHERE caller_id = $1 AND ended_at IS NULL
    RETURNING\s""" + COLUMNS;

  /** A flagged number an admin unflagged, back in rotation at its own caps ($2: the evidence). */
  static final String UNFLAG_NUMBER = """
    UPDATE caller_ids
    SET health = 'healthy', health_since = now(), health_until = NULL, health_reason = $2, updated_at = now()
    WHERE caller_id = $1 AND health = 'flagged'
    """;

  /** The flags of the number $1, newest first, at most $2. */
  static final String OF_NUMBER = "SELECT " + COLUMNS + """

    FROM caller_id_flags WHERE caller_id = $1
    ORDER BY id DESC
    LIMIT $2
    """;

  private FlagSql() {
  }
}
