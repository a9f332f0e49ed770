-- The operator's overview (/admin) reads small rollups kept up to date by triggers in the writing transaction, so
-- its cost does not grow with the readers or the ledger (a million readers, ten million ledger rows). Every writer,
-- on any node (a CLI send-due, another process), keeps them right without knowing about them. PostgreSQL's triggers
-- call functions: one per table and moment, doing what SQLite's several triggers of the same step do.

-- When a reader was suppressed: the day counts below need it, and the old rows had no such time.
ALTER TABLE subscribers ADD COLUMN suppressed_at {time};

-- Readers per state, now.
CREATE TABLE reader_states (
    state   {text} PRIMARY KEY,
    readers {int} NOT NULL
) {without rowid};
INSERT INTO reader_states (state, readers) SELECT state, count(*) FROM subscribers GROUP BY state;

-- Reader events per UTC day, from the rows' own times (so a clock in a test or an import's dates count as given).
-- Deleting a reader does not take back what happened on a day.
CREATE TABLE reader_days (
    day           {text} PRIMARY KEY,               -- yyyy-MM-dd
    signups       {int} NOT NULL DEFAULT 0,
    confirmations {int} NOT NULL DEFAULT 0,
    unsubscribes  {int} NOT NULL DEFAULT 0,
    suppressions  {int} NOT NULL DEFAULT 0
) {without rowid};
-- sqlite only
INSERT INTO reader_days (day, signups) SELECT substr(created_at, 1, 10), count(*) FROM subscribers WHERE true GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET signups = signups + excluded.signups;
INSERT INTO reader_days (day, confirmations) SELECT substr(confirmed_at, 1, 10), count(*) FROM subscribers WHERE confirmed_at IS NOT NULL GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET confirmations = confirmations + excluded.confirmations;
INSERT INTO reader_days (day, unsubscribes) SELECT substr(unsubscribed_at, 1, 10), count(*) FROM subscribers WHERE unsubscribed_at IS NOT NULL GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET unsubscribes = unsubscribes + excluded.unsubscribes;

CREATE TRIGGER reader_rollups_insert AFTER INSERT ON subscribers BEGIN
    INSERT INTO reader_states (state, readers) VALUES (new.state, 1)
        ON CONFLICT (state) DO UPDATE SET readers = readers + 1;
    INSERT INTO reader_days (day, signups) VALUES (substr(new.created_at, 1, 10), 1)
        ON CONFLICT (day) DO UPDATE SET signups = signups + 1;
    INSERT INTO reader_days (day, confirmations) SELECT substr(new.confirmed_at, 1, 10), 1 WHERE new.confirmed_at IS NOT NULL
        ON CONFLICT (day) DO UPDATE SET confirmations = confirmations + 1;
END;
CREATE TRIGGER reader_rollups_delete AFTER DELETE ON subscribers BEGIN
    UPDATE reader_states SET readers = readers - 1 WHERE state = old.state;
END;
CREATE TRIGGER reader_rollups_state AFTER UPDATE OF state ON subscribers WHEN new.state <> old.state BEGIN
    UPDATE reader_states SET readers = readers - 1 WHERE state = old.state;
    INSERT INTO reader_states (state, readers) VALUES (new.state, 1)
        ON CONFLICT (state) DO UPDATE SET readers = readers + 1;
END;
CREATE TRIGGER reader_rollups_confirmed AFTER UPDATE OF confirmed_at ON subscribers
WHEN new.confirmed_at IS NOT NULL AND new.confirmed_at IS NOT old.confirmed_at BEGIN
    INSERT INTO reader_days (day, confirmations) VALUES (substr(new.confirmed_at, 1, 10), 1)
        ON CONFLICT (day) DO UPDATE SET confirmations = confirmations + 1;
END;
CREATE TRIGGER reader_rollups_unsubscribed AFTER UPDATE OF unsubscribed_at ON subscribers
WHEN new.unsubscribed_at IS NOT NULL AND new.unsubscribed_at IS NOT old.unsubscribed_at BEGIN
    INSERT INTO reader_days (day, unsubscribes) VALUES (substr(new.unsubscribed_at, 1, 10), 1)
        ON CONFLICT (day) DO UPDATE SET unsubscribes = unsubscribes + 1;
END;
CREATE TRIGGER reader_rollups_suppressed AFTER UPDATE OF suppressed_at ON subscribers
WHEN new.suppressed_at IS NOT NULL AND new.suppressed_at IS NOT old.suppressed_at BEGIN
    INSERT INTO reader_days (day, suppressions) VALUES (substr(new.suppressed_at, 1, 10), 1)
        ON CONFLICT (day) DO UPDATE SET suppressions = suppressions + 1;
END;
-- A writer that suppresses without saying when (any code written before this column) gets the wall clock's time.
CREATE TRIGGER reader_suppressed_at AFTER UPDATE OF state ON subscribers
WHEN new.state = 'suppressed' AND old.state <> 'suppressed' AND new.suppressed_at IS old.suppressed_at BEGIN
    UPDATE subscribers SET suppressed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = new.id;
END;
-- postgres only
INSERT INTO reader_days (day, signups) SELECT utc_day(created_at), count(*) FROM subscribers GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET signups = reader_days.signups + excluded.signups;
INSERT INTO reader_days (day, confirmations) SELECT utc_day(confirmed_at), count(*) FROM subscribers WHERE confirmed_at IS NOT NULL GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET confirmations = reader_days.confirmations + excluded.confirmations;
INSERT INTO reader_days (day, unsubscribes) SELECT utc_day(unsubscribed_at), count(*) FROM subscribers WHERE unsubscribed_at IS NOT NULL GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET unsubscribes = reader_days.unsubscribes + excluded.unsubscribes;
-- both

-- Confirmed readers per topic. A filter row counts while its reader is confirmed; a reader's state change moves
-- all their topics at once. When a reader is deleted the BEFORE trigger takes their topics off while the row still
-- says confirmed; the cascade that then deletes the filters finds no reader and takes nothing more.
CREATE TABLE topic_readers (
    topic   {text} PRIMARY KEY,
    readers {int} NOT NULL
) {without rowid};
INSERT INTO topic_readers (topic, readers)
SELECT f.value, count(*) FROM subscriber_filters f JOIN subscribers s ON s.id = f.subscriber_id
WHERE f.kind = 'topic' AND s.state = 'confirmed' GROUP BY f.value;


-- sqlite only
CREATE TRIGGER topic_readers_filter_insert AFTER INSERT ON subscriber_filters
WHEN new.kind = 'topic' AND EXISTS (SELECT 1 FROM subscribers WHERE id = new.subscriber_id AND state = 'confirmed') BEGIN
    INSERT INTO topic_readers (topic, readers) VALUES (new.value, 1)
        ON CONFLICT (topic) DO UPDATE SET readers = readers + 1;
END;
CREATE TRIGGER topic_readers_filter_delete AFTER DELETE ON subscriber_filters
WHEN old.kind = 'topic' AND EXISTS (SELECT 1 FROM subscribers WHERE id = old.subscriber_id AND state = 'confirmed') BEGIN
    UPDATE topic_readers SET readers = readers - 1 WHERE topic = old.value;
END;
CREATE TRIGGER topic_readers_reader_delete BEFORE DELETE ON subscribers WHEN old.state = 'confirmed' BEGIN
    UPDATE topic_readers SET readers = readers - 1
    WHERE topic IN (SELECT value FROM subscriber_filters WHERE subscriber_id = old.id AND kind = 'topic');
END;
CREATE TRIGGER topic_readers_reader_state AFTER UPDATE OF state ON subscribers
WHEN (new.state = 'confirmed') <> (old.state = 'confirmed') BEGIN
    INSERT INTO topic_readers (topic, readers)
    SELECT value, CASE WHEN new.state = 'confirmed' THEN 1 ELSE -1 END
    FROM subscriber_filters WHERE subscriber_id = new.id AND kind = 'topic' AND true
        ON CONFLICT (topic) DO UPDATE SET readers = readers + excluded.readers;
END;
-- postgres only
-- A writer that suppresses without saying when gets the wall clock's time. A BEFORE trigger sets it in the row
-- itself, so the AFTER trigger below sees it like any other change.
CREATE FUNCTION reader_suppressed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = 'suppressed' AND OLD.state <> 'suppressed' AND NEW.suppressed_at IS NOT DISTINCT FROM OLD.suppressed_at THEN
        NEW.suppressed_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reader_suppressed_at BEFORE UPDATE ON subscribers FOR EACH ROW EXECUTE FUNCTION reader_suppressed_at();

CREATE FUNCTION reader_day(day text, signups bigint, confirmations bigint, unsubscribes bigint, suppressions bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO reader_days AS d (day, signups, confirmations, unsubscribes, suppressions)
    VALUES (day, signups, confirmations, unsubscribes, suppressions)
    ON CONFLICT (day) DO UPDATE SET signups = d.signups + excluded.signups, confirmations = d.confirmations + excluded.confirmations,
        unsubscribes = d.unsubscribes + excluded.unsubscribes, suppressions = d.suppressions + excluded.suppressions
$$;

CREATE FUNCTION reader_state_count(state text, delta bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO reader_states AS r (state, readers) VALUES (state, delta)
    ON CONFLICT (state) DO UPDATE SET readers = r.readers + excluded.readers
$$;

CREATE FUNCTION reader_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reader_state_count(NEW.state, 1);
        PERFORM reader_day(utc_day(NEW.created_at), 1, 0, 0, 0);
        IF NEW.confirmed_at IS NOT NULL THEN PERFORM reader_day(utc_day(NEW.confirmed_at), 0, 1, 0, 0); END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        UPDATE reader_states SET readers = readers - 1 WHERE state = OLD.state;
        RETURN NULL;
    END IF;
    IF NEW.state <> OLD.state THEN
        UPDATE reader_states SET readers = readers - 1 WHERE state = OLD.state;
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
        INSERT INTO topic_readers AS t (topic, readers)
        SELECT value, CASE WHEN NEW.state = 'confirmed' THEN 1 ELSE -1 END
        FROM subscriber_filters WHERE subscriber_id = NEW.id AND kind = 'topic'
        ON CONFLICT (topic) DO UPDATE SET readers = t.readers + excluded.readers;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reader_rollups AFTER INSERT OR UPDATE OR DELETE ON subscribers FOR EACH ROW EXECUTE FUNCTION reader_rollups();

CREATE FUNCTION topic_readers_reader_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'confirmed' THEN
        UPDATE topic_readers SET readers = readers - 1
        WHERE topic IN (SELECT value FROM subscriber_filters WHERE subscriber_id = OLD.id AND kind = 'topic');
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER topic_readers_reader_delete BEFORE DELETE ON subscribers FOR EACH ROW EXECUTE FUNCTION topic_readers_reader_delete();

CREATE FUNCTION topic_readers_filters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.kind = 'topic' AND EXISTS (SELECT 1 FROM subscribers WHERE id = NEW.subscriber_id AND state = 'confirmed') THEN
            INSERT INTO topic_readers AS t (topic, readers) VALUES (NEW.value, 1)
            ON CONFLICT (topic) DO UPDATE SET readers = t.readers + 1;
        END IF;
    ELSIF OLD.kind = 'topic' AND EXISTS (SELECT 1 FROM subscribers WHERE id = OLD.subscriber_id AND state = 'confirmed') THEN
        UPDATE topic_readers SET readers = readers - 1 WHERE topic = OLD.value;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER topic_readers_filters AFTER INSERT OR DELETE ON subscriber_filters FOR EACH ROW EXECUTE FUNCTION topic_readers_filters();
-- both

-- Ledger rows per planning day (UTC) and state.
CREATE TABLE delivery_days (
    day   {text} NOT NULL,                          -- yyyy-MM-dd of created_at
    state {text} NOT NULL,
    rows  {int} NOT NULL,
    PRIMARY KEY (day, state)
) {without rowid};
-- sqlite only
INSERT INTO delivery_days (day, state, rows) SELECT substr(created_at, 1, 10), state, count(*) FROM deliveries GROUP BY 1, 2;

CREATE TRIGGER delivery_days_insert AFTER INSERT ON deliveries BEGIN
    INSERT INTO delivery_days (day, state, rows) VALUES (substr(new.created_at, 1, 10), new.state, 1)
        ON CONFLICT (day, state) DO UPDATE SET rows = rows + 1;
END;
CREATE TRIGGER delivery_days_state AFTER UPDATE OF state ON deliveries WHEN new.state <> old.state BEGIN
    UPDATE delivery_days SET rows = rows - 1 WHERE day = substr(old.created_at, 1, 10) AND state = old.state;
    INSERT INTO delivery_days (day, state, rows) VALUES (substr(new.created_at, 1, 10), new.state, 1)
        ON CONFLICT (day, state) DO UPDATE SET rows = rows + 1;
END;
CREATE TRIGGER delivery_days_delete AFTER DELETE ON deliveries BEGIN
    UPDATE delivery_days SET rows = rows - 1 WHERE day = substr(old.created_at, 1, 10) AND state = old.state;
END;
-- postgres only
INSERT INTO delivery_days (day, state, rows) SELECT utc_day(created_at), state, count(*) FROM deliveries GROUP BY 1, 2;

CREATE FUNCTION delivery_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND NEW.state = OLD.state THEN RETURN NULL; END IF;
        UPDATE delivery_days SET rows = rows - 1 WHERE day = utc_day(OLD.created_at) AND state = OLD.state;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO delivery_days AS d (day, state, rows) VALUES (utc_day(NEW.created_at), NEW.state, 1)
        ON CONFLICT (day, state) DO UPDATE SET rows = d.rows + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER delivery_days AFTER INSERT OR UPDATE OF state OR DELETE ON deliveries FOR EACH ROW EXECUTE FUNCTION delivery_days();
-- both

-- The last run of each configured listing source (written by the ingest job), for the overview.
CREATE TABLE source_runs (
    source      {text} PRIMARY KEY,
    ran_at      {time} NOT NULL,
    new         {int} NOT NULL,
    duplicate   {int} NOT NULL,
    rejected    {int} NOT NULL,
    days_read   {int} NOT NULL,
    failure     {text},                             -- NULL when every day asked for was read
    last_ok_at  {time},                             -- the last run that read something
    new_total       {int} NOT NULL DEFAULT 0,       -- every run added up, for /metrics
    duplicate_total {int} NOT NULL DEFAULT 0,
    rejected_total  {int} NOT NULL DEFAULT 0
) {without rowid};

-- Digest runs (plan, then send), newest kept; written by the digest job and send-due.
CREATE TABLE digest_runs (
    id          {id},
    started_at  {time} NOT NULL,
    readers     {int} NOT NULL,
    planned     {int} NOT NULL,
    empty       {int} NOT NULL,
    sent        {int} NOT NULL,
    plan_ms     {int} NOT NULL,
    send_ms     {int} NOT NULL
);
