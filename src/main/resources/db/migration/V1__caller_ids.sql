-- The inventory of caller-IDs: the old tool's columns, plus pool.
-- hourly_limit / daily_limit NULL means "the server's default" (DEFAULT_HOURLY_LIMIT / DEFAULT_DAILY_LIMIT).
CREATE TABLE caller_ids (
  id           BIGSERIAL PRIMARY KEY,
  caller_id    VARCHAR(10) NOT NULL UNIQUE CHECK (caller_id ~ '^[2-9][0-9]{2}[2-9][0-9]{6}$'),
  carrier      TEXT,
  area_code    VARCHAR(3) NOT NULL CHECK (area_code ~ '^[2-9][0-9]{2}$'),
  hourly_limit INTEGER CHECK (hourly_limit > 0),
  daily_limit  INTEGER CHECK (daily_limit > 0),
  last_used    TIMESTAMPTZ,
  is_active    BOOLEAN NOT NULL DEFAULT TRUE,
  meta         JSONB NOT NULL DEFAULT '{}'::jsonb,
  pool         TEXT NOT NULL DEFAULT 'default',
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX caller_ids_area_code ON caller_ids (area_code);
CREATE INDEX caller_ids_pool ON caller_ids (pool);
