-- Tiers and strategy (issue 12). A pool's tiers are the ones /next-cid tries in order, each a step further from the
-- destination: prefix (its NPA-NXX), area_code, overlay, state, time_zone, pool. They replace the fallback, whose
-- three values were tier lists already: a pool on the old default ('area_code,pool') gets the new default (every
-- tier); 'area_code' and 'pool' stay what they were. strategy: the order within a tier.
ALTER TABLE pools DROP CONSTRAINT IF EXISTS pools_fallback_check;
ALTER TABLE pools RENAME COLUMN fallback TO tiers;
ALTER TABLE pools ALTER COLUMN tiers SET DEFAULT 'prefix,area_code,overlay,state,time_zone,pool';
UPDATE pools SET tiers = 'prefix,area_code,overlay,state,time_zone,pool' WHERE tiers = 'area_code,pool';
ALTER TABLE pools ADD CONSTRAINT pools_tiers_check CHECK (
  tiers ~ '^(prefix|area_code|overlay|state|time_zone|pool)(,(prefix|area_code|overlay|state|time_zone|pool))*$');
ALTER TABLE pools
  ADD COLUMN strategy TEXT NOT NULL DEFAULT 'lru' CHECK (strategy IN ('lru', 'least_used_today', 'round_robin'));
