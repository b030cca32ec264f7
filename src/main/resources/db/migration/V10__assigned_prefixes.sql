-- Prefixes an admin assigns a number to (issue 12, VICIdial's AC-CID parity): 2 to 5 digits each (3125: the
-- destinations starting 312-5). Within the 'prefix' tier, after the destination's own NPA-NXX, the longest
-- assigned prefix matching the destination wins. Validated by the admin API.
ALTER TABLE caller_ids ADD COLUMN prefixes TEXT[] NOT NULL DEFAULT '{}' CHECK (
  cardinality(prefixes) <= 20 AND array_to_string(prefixes, ',') ~ '^([2-9][0-9]{1,4}(,[2-9][0-9]{1,4})*)?$');
