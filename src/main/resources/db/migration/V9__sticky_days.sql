-- Sticky number per lead (issue 12): a destination called again within sticky_days gets the number it got last
-- time when that number is free; 0 = off.
ALTER TABLE pools ADD COLUMN sticky_days INTEGER NOT NULL DEFAULT 0 CHECK (sticky_days BETWEEN 0 AND 365);
