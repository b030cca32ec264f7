-- Number health (issue 13): call outcomes counted per number and hour, the rest ladder's state of each number, and
-- each pool's thresholds.

-- Outcomes of the calls placed with a number, per hour of the allocation. Written by the history writer in the
-- transaction that records the releases (calls, answered, short_calls, talk_seconds, unknown), and by the health
-- check for reservations that ran out without a release (expired). One row per number and hour with calls: at 10
-- million allocations a day over 50,000 numbers, 1.2 million rows a day.
CREATE TABLE caller_id_hours (
  caller_id    VARCHAR(10) NOT NULL,
  hour         TIMESTAMPTZ NOT NULL,
  pool         TEXT NOT NULL,
  calls        INTEGER NOT NULL DEFAULT 0,  -- released with a known outcome (dial status or answered seconds)
  answered     INTEGER NOT NULL DEFAULT 0,
  short_calls  INTEGER NOT NULL DEFAULT 0,  -- answered, and shorter than the pool's short_call_seconds
  talk_seconds BIGINT NOT NULL DEFAULT 0,   -- of the answered calls
  unknown      INTEGER NOT NULL DEFAULT 0,  -- released without an outcome
  expired      INTEGER NOT NULL DEFAULT 0,  -- never released: the reservation ran out (outcome unknown)
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),  -- the rest ladder judges the numbers counted since its last round
  PRIMARY KEY (caller_id, hour)
) WITH (fillfactor = 80);  -- room on each page for the row's next version: a count's update stays off the indexes

CREATE INDEX caller_id_hours_hour ON caller_id_hours (hour);

-- The same per pool: its baseline.
CREATE TABLE pool_hours (
  pool         TEXT NOT NULL,
  hour         TIMESTAMPTZ NOT NULL,
  calls        INTEGER NOT NULL DEFAULT 0,
  answered     INTEGER NOT NULL DEFAULT 0,
  short_calls  INTEGER NOT NULL DEFAULT 0,
  talk_seconds BIGINT NOT NULL DEFAULT 0,
  unknown      INTEGER NOT NULL DEFAULT 0,
  expired      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (pool, hour)
);

-- The allocations no release ended yet: live reservations, and those that ran out, until the health check marks
-- them 'expired'. Small whatever the table's size.
CREATE INDEX allocations_open ON allocations (expires_at) WHERE released_at IS NULL AND outcome IS NULL;

-- The rest ladder: healthy -> resting (never handed out) until health_until -> probation (a lower hourly cap) until
-- health_until -> healthy; rested too often -> retired until an admin acts. health_reason: the evidence of the last
-- transition (calls, rate, baseline, rule).
ALTER TABLE caller_ids
  ADD COLUMN health TEXT NOT NULL DEFAULT 'healthy'
    CHECK (health IN ('healthy', 'resting', 'probation', 'retired')),
  ADD COLUMN health_since TIMESTAMPTZ,
  ADD COLUMN health_until TIMESTAMPTZ,
  ADD COLUMN health_reason JSONB;

CREATE INDEX caller_ids_health ON caller_ids (health, health_until) WHERE health <> 'healthy';

-- A pool's thresholds (reputation.HealthSettings: the defaults, the bounds, the meaning of each); {} = defaults.
ALTER TABLE pools ADD COLUMN health JSONB NOT NULL DEFAULT '{}';
