-- One row per allocation, written in batches off the hot path; released_at/outcome arrive with the release.
CREATE TABLE allocations (
  id           UUID PRIMARY KEY,
  caller_id    VARCHAR(10) NOT NULL,
  destination  VARCHAR(10) NOT NULL,
  area_code    VARCHAR(3) NOT NULL,
  campaign     TEXT,
  agent        TEXT,
  tier         TEXT NOT NULL,
  pool         TEXT NOT NULL,
  allocated_at TIMESTAMPTZ NOT NULL,
  released_at  TIMESTAMPTZ,
  outcome      TEXT
);

-- Rows arrive in time order: a BRIN index costs next to nothing to maintain at thousands of inserts/s.
CREATE INDEX allocations_allocated_at ON allocations USING brin (allocated_at);
CREATE INDEX allocations_caller_id ON allocations (caller_id, allocated_at);
