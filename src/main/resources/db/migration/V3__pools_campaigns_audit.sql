-- Pools (VICIdial's CID groups), the campaigns mapped onto them, and the audit trail of admin writes.

-- A number belongs to one pool; several campaigns can share a pool. NULL settings mean the server's
-- defaults (DEFAULT_RESERVATION_TTL, DEFAULT_HOURLY_LIMIT, DEFAULT_DAILY_LIMIT); a number's own limits
-- win over its pool's. fallback: where /next-cid looks when the destination's area code has no number.
CREATE TABLE pools (
  name            TEXT PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
  reservation_ttl INTEGER CHECK (reservation_ttl BETWEEN 1 AND 86400),
  hourly_limit    INTEGER CHECK (hourly_limit > 0),
  daily_limit     INTEGER CHECK (daily_limit > 0),
  fallback        TEXT NOT NULL DEFAULT 'area_code,pool' CHECK (fallback IN ('area_code,pool', 'area_code', 'pool')),
  description     TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO pools (name) VALUES ('default');
INSERT INTO pools (name) SELECT DISTINCT pool FROM caller_ids ON CONFLICT (name) DO NOTHING;

ALTER TABLE caller_ids
  ADD CONSTRAINT caller_ids_pool_fkey FOREIGN KEY (pool) REFERENCES pools (name) ON UPDATE CASCADE;

-- A campaign without a row here uses the 'default' pool.
CREATE TABLE campaigns (
  name        TEXT PRIMARY KEY CHECK (name ~ '^[!-~]{1,64}$'),
  pool        TEXT NOT NULL REFERENCES pools (name) ON UPDATE CASCADE,
  description TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX campaigns_pool ON campaigns (pool);

-- One row per admin write, in the same transaction as the write.
CREATE TABLE audit_log (
  id      BIGSERIAL PRIMARY KEY,
  at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  actor   TEXT NOT NULL,
  role    TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT,
  before  JSONB,
  after   JSONB,
  remote  TEXT
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target, at);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
