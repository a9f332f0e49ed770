-- The operator's /admin/deliveries lists one planning day's rows in one state, a page at a time: this index makes
-- that a range read of the day's rows in that state instead of a scan of the whole ledger.
CREATE INDEX deliveries_state_created ON deliveries (state, created_at);
