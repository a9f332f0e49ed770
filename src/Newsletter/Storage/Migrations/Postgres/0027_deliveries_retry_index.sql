-- Issue 13: the ledger's (state, next_attempt_at) index served one query, the claim of rows due for retry (and its
-- "any due?" probe); every other query by state reads deliveries_state_created (0024) or deliveries_pending (0005).
-- Yet every row planned, claimed, sent or failed wrote or moved an entry in it. Only retry rows have a next attempt,
-- so the index keeps only them: planning and sending rows never touch it.
DROP INDEX deliveries_work;
CREATE INDEX deliveries_retry ON deliveries (next_attempt_at) WHERE state = 'retry';
