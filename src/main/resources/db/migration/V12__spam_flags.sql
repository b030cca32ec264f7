-- Spam flags (issue 13): an admin marks a number flagged (a carrier's "Scam Likely" label, an analytics service's
-- report); a flagged number is never handed out until unflagged or for its pool's flag_rest_days. Each flag is kept
-- with the number after it ends: its history.

ALTER TABLE caller_ids
  DROP CONSTRAINT caller_ids_health_check,
  ADD CONSTRAINT caller_ids_health_check
    CHECK (health IN ('healthy', 'resting', 'probation', 'retired', 'flagged'));

-- No foreign key: a number deleted and bought back later keeps its past flags.
CREATE TABLE caller_id_flags (
  id          BIGSERIAL PRIMARY KEY,
  caller_id   VARCHAR(10) NOT NULL,
  source      TEXT NOT NULL,         -- who labelled it: a carrier, an analytics service, a complaint
  label       TEXT,                  -- what they called it ("Scam Likely", "Spam Risk")
  flagged_on  DATE NOT NULL,         -- the day the source reported it
  note        TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  created_by  TEXT NOT NULL,         -- the admin (token or JWT subject) who recorded it
  ended_at    TIMESTAMPTZ,           -- NULL while the flag holds
  ended_by    TEXT,
  end_reason  TEXT CHECK (end_reason IN ('unflagged', 'rest over', 'made healthy'))
);

CREATE INDEX caller_id_flags_number ON caller_id_flags (caller_id, id DESC);
CREATE INDEX caller_id_flags_open ON caller_id_flags (caller_id) WHERE ended_at IS NULL;
