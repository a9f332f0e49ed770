-- Nothing to do on SQLite: its rollups (migration 0017) stay one keyed row per day and state, updated in place,
-- since one writer at a time never waits on another's counter row. The readers sum the rows of a key on both
-- providers, which here is the one row. PostgreSQL's step (the same number) appends deltas instead.
SELECT 1;
