-- The operator's overview (/admin) reads small rollups kept up to date by triggers in the writing transaction, so
-- its cost does not grow with the readers or the ledger (a million readers, ten million ledger rows). Every writer,
-- this process or another (a CLI send-due, another node), keeps them right without knowing about them.

-- When a reader was suppressed: the day counts below need it, and the old rows had no such time.
ALTER TABLE subscribers ADD COLUMN suppressed_at TEXT;

-- Readers per state, now.
CREATE TABLE reader_states (
    state   TEXT PRIMARY KEY,
    readers INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO reader_states (state, readers) SELECT state, count(*) FROM subscribers GROUP BY state;

-- Reader events per UTC day, from the rows' own times (so a clock in a test or an import's dates count as given).
-- Deleting a reader does not take back what happened on a day.
CREATE TABLE reader_days (
    day           TEXT PRIMARY KEY,                 -- yyyy-MM-dd
    signups       INTEGER NOT NULL DEFAULT 0,
    confirmations INTEGER NOT NULL DEFAULT 0,
    unsubscribes  INTEGER NOT NULL DEFAULT 0,
    suppressions  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
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

-- Confirmed readers per topic. A filter row counts while its reader is confirmed; a reader's state change moves
-- all their topics at once. When a reader is deleted the BEFORE trigger takes their topics off while the row still
-- says confirmed; the cascade that then deletes the filters finds no reader and takes nothing more.
CREATE TABLE topic_readers (
    topic   TEXT PRIMARY KEY,
    readers INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO topic_readers (topic, readers)
SELECT f.value, count(*) FROM subscriber_filters f JOIN subscribers s ON s.id = f.subscriber_id
WHERE f.kind = 'topic' AND s.state = 'confirmed' GROUP BY f.value;

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

-- Ledger rows per planning day (UTC) and state.
CREATE TABLE delivery_days (
    day   TEXT NOT NULL,                            -- yyyy-MM-dd of created_at
    state TEXT NOT NULL,
    rows  INTEGER NOT NULL,
    PRIMARY KEY (day, state)
) WITHOUT ROWID;
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

-- The last run of each configured listing source (written by the ingest job), for the overview.
CREATE TABLE source_runs (
    source      TEXT PRIMARY KEY,
    ran_at      TEXT NOT NULL,
    new         INTEGER NOT NULL,
    duplicate   INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    days_read   INTEGER NOT NULL,
    failure     TEXT,                               -- NULL when every day asked for was read
    last_ok_at  TEXT,                               -- the last run that read something
    new_total       INTEGER NOT NULL DEFAULT 0,     -- every run added up, for /metrics
    duplicate_total INTEGER NOT NULL DEFAULT 0,
    rejected_total  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Digest runs (plan, then send), newest kept; written by the digest job and send-due.
CREATE TABLE digest_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  TEXT NOT NULL,
    readers     INTEGER NOT NULL,
    planned     INTEGER NOT NULL,
    empty       INTEGER NOT NULL,
    sent        INTEGER NOT NULL,
    plan_ms     INTEGER NOT NULL,
    send_ms     INTEGER NOT NULL
);
