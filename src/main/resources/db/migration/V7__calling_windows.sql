-- Calling windows (issue 12): the callee's local hours in which a pool's allocations may be made, 'HH:MM-HH:MM'
-- (NULL: no window), and per region overrides ({"US-TX": "09:00-20:00"}, regions as the numbering plan's locality
-- names them). Validated by the admin API.
ALTER TABLE pools
  ADD COLUMN calling_window TEXT,
  ADD COLUMN calling_window_by_region JSONB NOT NULL DEFAULT '{}';
