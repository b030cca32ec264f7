package io.cidrotator.alert;

/** Every SQL statement of webhooks and their deliveries. */
final class WebhookSql {

  private static final String COLUMNS =
    "id, url, secret, events, conditions, description, active, created_at, updated_at";

  static final String LIST = "SELECT " + COLUMNS + " FROM webhooks ORDER BY id";

  static final String ONE = "SELECT " + COLUMNS + " FROM webhooks WHERE id = $1";

  static final String INSERT = """
    INSERT INTO webhooks (url, secret, events, conditions, description, active)
    VALUES ($1, $2, $3, jsonb_strip_nulls($4), $5, $6)
    RETURNING\s""" + COLUMNS;

  /**
   * Changes the fields sent: $2 url, $3 secret, $4 events, $7 active (NULL: kept); $5 conditions merged into those
   * stored (a null one back to its default); $6 whether to set the description to $8.
   */
  static final String UPDATE = """
    UPDATE webhooks
    SET url = coalesce($2, url), secret = coalesce($3, secret), events = coalesce($4, events),
        conditions = jsonb_strip_nulls(conditions || $5), description = CASE WHEN $6 THEN $8 ELSE description END,
        active = coalesce($7, active), updated_at = now()
    WHERE id = $1
    RETURNING\s""" + COLUMNS;

  static final String DELETE = "DELETE FROM webhooks WHERE id = $1 RETURNING " + COLUMNS;

  /** A webhook deactivated: its deliveries still pending end as failed (no old alert once it is active again). */
  static final String DROP_PENDING = """
    UPDATE webhook_deliveries SET status = 'failed', last_error = 'the webhook was deactivated'
    WHERE webhook_id = $1 AND status = 'pending'
    """;

  /**
   * A delivery to send: $1 id, $2 webhook, $3 event, $4 subject, $5 payload, $6 the body's text, $7 due, $8 attempts
   * made (a test's one attempt is made by its request: it is due only long after, never picked up by a sender).
   */
  static final String INSERT_DELIVERY = """
    INSERT INTO webhook_deliveries (id, webhook_id, event, subject, payload, body_text, next_attempt_at, attempts)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    """;

  /**
   * Claims up to 50 deliveries due by $1 for one attempt: each is leased for 2 minutes (another node, or this one after
   * a restart, retries it then if its answer was never recorded), its attempts counted.
   */
  static final String CLAIM_DUE = """
    UPDATE webhook_deliveries d
    SET next_attempt_at = $1::timestamptz + interval '2 minutes', attempts = d.attempts + 1
    FROM webhooks w
    WHERE d.id IN (SELECT dd.id FROM webhook_deliveries dd JOIN webhooks ww ON ww.id = dd.webhook_id
                   WHERE dd.status = 'pending' AND dd.next_attempt_at <= $1 AND ww.active
                   ORDER BY dd.next_attempt_at LIMIT 50 FOR UPDATE OF dd SKIP LOCKED)
      AND w.id = d.webhook_id AND w.active
    RETURNING d.id, d.event, d.body_text, d.attempts, w.url, w.secret
    """;

  static final String DELIVERED = """
    UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = $2, last_error = NULL
    WHERE id = $1
    """;

  /** An attempt failed: $2 when to try again (NULL: no more: failed), $3 the receiver's status, $4 the error. */
  static final String ATTEMPT_FAILED = """
    UPDATE webhook_deliveries
    SET status = CASE WHEN $2::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
        next_attempt_at = coalesce($2, next_attempt_at), last_status_code = $3, last_error = $4
    WHERE id = $1
    """;

  static final String DELIVERIES = """
    SELECT id, event, subject, payload, status, attempts, last_status_code, last_error, created_at, next_attempt_at,
           delivered_at
    FROM webhook_deliveries WHERE webhook_id = $1
    ORDER BY created_at DESC
    LIMIT $2
    """;

  /** The delivery log keeps 30 days ($1: 30 days ago). */
  static final String PRUNE_DELIVERIES = "DELETE FROM webhook_deliveries WHERE created_at < $1";

  /** Numbers rested (retirements included) per pool since $1. */
  static final String RESTED_SINCE = """
    SELECT c.pool, count(*) AS rested
    FROM audit_log a JOIN caller_ids c ON c.caller_id = a.target
    WHERE a.action = 'caller_id.rest' AND a.at >= $1
    GROUP BY c.pool
    """;

  /** Every pool with its numbers (any state). */
  static final String POOLS = """
    SELECT p.name, count(c.caller_id) AS numbers
    FROM pools p LEFT JOIN caller_ids c ON c.pool = p.name
    GROUP BY p.name
    ORDER BY p.name
    """;

  static final String PING = "SELECT 1";

  private WebhookSql() {
  }
}
