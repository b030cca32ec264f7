-- Alerts (issue 13): webhook targets and the log of every delivery to them. A delivery row is the queue too: any
-- node's sender claims the ones due (FOR UPDATE SKIP LOCKED), so a retry survives a restart.

CREATE TABLE webhooks (
  id           BIGSERIAL PRIMARY KEY,
  url          TEXT NOT NULL,
  secret       TEXT NOT NULL,           -- the HMAC-SHA256 key of the signature header; never shown again, never logged
  events       TEXT[] NOT NULL,
  conditions   JSONB NOT NULL DEFAULT '{}',  -- alert.Conditions: the thresholds an admin set; {} = defaults
  description  TEXT,
  active       BOOLEAN NOT NULL DEFAULT true,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id               UUID PRIMARY KEY,            -- the X-CidRotator-Delivery header: a receiver's idempotency key
  webhook_id       BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event            TEXT NOT NULL,
  subject          TEXT,                        -- a pool, an area code, a number, a dependency
  payload          JSONB NOT NULL,              -- the body as signed (sent byte for byte as stored: body_text)
  body_text        TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_status_code INTEGER,
  last_error       TEXT,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  delivered_at     TIMESTAMPTZ
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of_webhook ON webhook_deliveries (webhook_id, created_at DESC);
