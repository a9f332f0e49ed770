-- Issue 17: the rollups of migration 0017 without hot rows. Every claim, record and plan on every node updated the
-- same few counter rows (one per day and state), so nodes waited on one another's row locks until commit and could
-- deadlock (the counters were locked in the order ledger rows changed state). Now every writer only appends delta
-- rows to unkeyed tables; nothing a writer does waits on another writer's counter. Readers sum the rows of a key
-- (`SELECT day, state, sum(rows) … GROUP BY`, the same text as on SQLite, where a key has its one row), and
-- Storage/RollupStore.Fold, run hourly by the ledger's retention job, replaces each key's deltas by their sum so the
-- tables stay short.

ALTER TABLE reader_states DROP CONSTRAINT reader_states_pkey;
ALTER TABLE reader_days DROP CONSTRAINT reader_days_pkey;
CREATE INDEX reader_days_day ON reader_days (day);
ALTER TABLE topic_readers DROP CONSTRAINT topic_readers_pkey;
ALTER TABLE delivery_days DROP CONSTRAINT delivery_days_pkey;
CREATE INDEX delivery_days_day ON delivery_days (day, state);

CREATE OR REPLACE FUNCTION reader_day(day text, signups bigint, confirmations bigint, unsubscribes bigint, suppressions bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO reader_days (day, signups, confirmations, unsubscribes, suppressions) VALUES (day, signups, confirmations, unsubscribes, suppressions)
$$;

CREATE OR REPLACE FUNCTION reader_state_count(state text, delta bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO reader_states (state, readers) VALUES (state, delta)
$$;

-- One function as before; three triggers, so that an update runs it only when a column it counts is named in the
-- statement and has changed: the planner's window advance (last_seq, next_due_at of 2,000 readers a statement) no
-- longer runs it for every row.
CREATE OR REPLACE FUNCTION reader_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reader_state_count(NEW.state, 1);
        PERFORM reader_day(utc_day(NEW.created_at), 1, 0, 0, 0);
        IF NEW.confirmed_at IS NOT NULL THEN PERFORM reader_day(utc_day(NEW.confirmed_at), 0, 1, 0, 0); END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM reader_state_count(OLD.state, -1);
        RETURN NULL;
    END IF;
    IF NEW.state <> OLD.state THEN
        PERFORM reader_state_count(OLD.state, -1);
        PERFORM reader_state_count(NEW.state, 1);
    END IF;
    IF NEW.confirmed_at IS NOT NULL AND NEW.confirmed_at IS DISTINCT FROM OLD.confirmed_at THEN
        PERFORM reader_day(utc_day(NEW.confirmed_at), 0, 1, 0, 0);
    END IF;
    IF NEW.unsubscribed_at IS NOT NULL AND NEW.unsubscribed_at IS DISTINCT FROM OLD.unsubscribed_at THEN
        PERFORM reader_day(utc_day(NEW.unsubscribed_at), 0, 0, 1, 0);
    END IF;
    IF NEW.suppressed_at IS NOT NULL AND NEW.suppressed_at IS DISTINCT FROM OLD.suppressed_at THEN
        PERFORM reader_day(utc_day(NEW.suppressed_at), 0, 0, 0, 1);
    END IF;
    IF (NEW.state = 'confirmed') <> (OLD.state = 'confirmed') THEN
        INSERT INTO topic_readers (topic, readers)
        SELECT value, CASE WHEN NEW.state = 'confirmed' THEN 1 ELSE -1 END
        FROM subscriber_filters WHERE subscriber_id = NEW.id AND kind = 'topic';
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER reader_rollups ON subscribers;
CREATE TRIGGER reader_rollups_insert AFTER INSERT ON subscribers FOR EACH ROW EXECUTE FUNCTION reader_rollups();
CREATE TRIGGER reader_rollups_delete AFTER DELETE ON subscribers FOR EACH ROW EXECUTE FUNCTION reader_rollups();
CREATE TRIGGER reader_rollups_update AFTER UPDATE OF state, confirmed_at, unsubscribed_at, suppressed_at ON subscribers
FOR EACH ROW WHEN (NEW.state IS DISTINCT FROM OLD.state OR NEW.confirmed_at IS DISTINCT FROM OLD.confirmed_at
    OR NEW.unsubscribed_at IS DISTINCT FROM OLD.unsubscribed_at OR NEW.suppressed_at IS DISTINCT FROM OLD.suppressed_at)
EXECUTE FUNCTION reader_rollups();

-- The suppression time is only needed when the state becomes suppressed.
DROP TRIGGER reader_suppressed_at ON subscribers;
CREATE TRIGGER reader_suppressed_at BEFORE UPDATE OF state ON subscribers
FOR EACH ROW WHEN (NEW.state = 'suppressed' AND OLD.state <> 'suppressed') EXECUTE FUNCTION reader_suppressed_at();

CREATE OR REPLACE FUNCTION topic_readers_reader_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'confirmed' THEN
        INSERT INTO topic_readers (topic, readers)
        SELECT value, -1 FROM subscriber_filters WHERE subscriber_id = OLD.id AND kind = 'topic';
    END IF;
    RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION topic_readers_filters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.kind = 'topic' AND EXISTS (SELECT 1 FROM subscribers WHERE id = NEW.subscriber_id AND state = 'confirmed') THEN
            INSERT INTO topic_readers (topic, readers) VALUES (NEW.value, 1);
        END IF;
    ELSIF OLD.kind = 'topic' AND EXISTS (SELECT 1 FROM subscribers WHERE id = OLD.subscriber_id AND state = 'confirmed') THEN
        INSERT INTO topic_readers (topic, readers) VALUES (OLD.value, -1);
    END IF;
    RETURN NULL;
END $$;

-- The ledger's counts: once per statement, not once per row. A statement's changed rows (its transition tables)
-- are counted per day and state and appended as one row each: a planning page of 2,000 rows in one insert appends
-- one row, a claim of 50 two. (A trigger with transition tables cannot name columns, so every update statement
-- runs it; one that changes no state appends nothing.)
DROP TRIGGER delivery_days ON deliveries;
DROP FUNCTION delivery_days();

CREATE FUNCTION delivery_days_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO delivery_days (day, state, rows) SELECT utc_day(created_at), state, count(*) FROM new_rows GROUP BY 1, 2;
    RETURN NULL;
END $$;
CREATE TRIGGER delivery_days_inserted AFTER INSERT ON deliveries REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION delivery_days_inserted();

CREATE FUNCTION delivery_days_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO delivery_days (day, state, rows)
    SELECT day, state, sum(delta) FROM (
        SELECT utc_day(o.created_at) AS day, o.state, -1 AS delta FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.state <> o.state
        UNION ALL
        SELECT utc_day(n.created_at), n.state, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.state <> o.state
    ) moved
    GROUP BY 1, 2 HAVING sum(delta) <> 0;
    RETURN NULL;
END $$;
CREATE TRIGGER delivery_days_updated AFTER UPDATE ON deliveries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION delivery_days_updated();

CREATE FUNCTION delivery_days_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO delivery_days (day, state, rows) SELECT utc_day(created_at), state, -count(*) FROM old_rows GROUP BY 1, 2;
    RETURN NULL;
END $$;
CREATE TRIGGER delivery_days_deleted AFTER DELETE ON deliveries REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION delivery_days_deleted();
