-- Who the call was (VICIdial's call id, decoded, and Asterisk's UNIQUEID) and how it ended, as the
-- dialplan's hangup handler reports it.
ALTER TABLE allocations
  ADD COLUMN call_key         TEXT,
  ADD COLUMN uid              TEXT,
  ADD COLUMN call_type        TEXT,
  ADD COLUMN lead_id          BIGINT,
  ADD COLUMN dial_status      TEXT,
  ADD COLUMN answered_seconds INTEGER,
  ADD COLUMN hangup_cause     SMALLINT;

CREATE INDEX allocations_call_key ON allocations (call_key) WHERE call_key IS NOT NULL;
CREATE INDEX allocations_lead_id ON allocations (lead_id) WHERE lead_id IS NOT NULL;
