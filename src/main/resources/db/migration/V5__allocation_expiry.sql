-- When each allocation's reservation ends unless it is released first (its pool's TTL at the time): what a
-- Redis that lost its data is rebuilt from, with the current hour's and day's use of each number.
ALTER TABLE allocations ADD COLUMN expires_at TIMESTAMPTZ;
