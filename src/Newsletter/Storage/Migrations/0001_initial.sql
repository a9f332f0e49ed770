-- Papers: id is the ingest sequence (AUTOINCREMENT never reuses a value), so "papers new since X" is id > X.
CREATE TABLE papers (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    paper_key        TEXT NOT NULL UNIQUE,          -- arXiv id without version, else 'title:' + hash of normalised title
    arxiv_id         TEXT UNIQUE,
    title            TEXT NOT NULL,
    normalized_title TEXT NOT NULL UNIQUE,
    abstract         TEXT NOT NULL,
    authors          TEXT NOT NULL DEFAULT '',      -- comma separated, in listing order
    published_at     TEXT,
    upvotes          INTEGER,
    abs_url          TEXT,
    pdf_url          TEXT,
    hf_url           TEXT,
    github_url       TEXT,
    project_url      TEXT,
    first_seen_at    TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, authors,
    content = 'papers', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Triggers keep the index in the same transaction as the row.
CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (new.id, new.title, new.abstract, new.authors);
END;
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors) VALUES ('delete', old.id, old.title, old.abstract, old.authors);
END;
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors) VALUES ('delete', old.id, old.title, old.abstract, old.authors);
    INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (new.id, new.title, new.abstract, new.authors);
END;

CREATE TABLE paper_categories (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (paper_id, category)
) WITHOUT ROWID;

CREATE TABLE paper_sources (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    source   TEXT NOT NULL,
    PRIMARY KEY (paper_id, source)
) WITHOUT ROWID;

CREATE TABLE subscribers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT NOT NULL UNIQUE,           -- normalised: trimmed, domain in IDNA form, lower case
    state           TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'unsubscribed', 'suppressed')),
    frequency       TEXT NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly')),
    weekday         INTEGER NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 0 AND 6),   -- 0 = Sunday
    hour            INTEGER NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
    timezone        TEXT NOT NULL DEFAULT 'UTC',
    created_at      TEXT NOT NULL,
    confirmed_at    TEXT,
    unsubscribed_at TEXT,
    last_seq        INTEGER,                        -- newest paper id already covered by a digest
    next_due_at     TEXT                            -- when the next digest is due (UTC); NULL unless confirmed
);
CREATE INDEX subscribers_due ON subscribers (next_due_at) WHERE state = 'confirmed';

CREATE TABLE subscriber_filters (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('topic', 'keyword')),
    value         TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, kind, value)
) WITHOUT ROWID;

CREATE TABLE tokens (
    hash          TEXT PRIMARY KEY,                 -- hex sha256 of the token; the token itself is never stored
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    purpose       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    used_at       TEXT
);
CREATE INDEX tokens_subscriber ON tokens (subscriber_id, purpose);

-- The delivery ledger: one row per reader and digest period, holding the frozen content.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    period_key      TEXT NOT NULL,                  -- e.g. 'daily:2026-11-24' or 'weekly:2026-W48'
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'retry', 'failed', 'unknown')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT,
    lease_until     TEXT,
    lease_owner     TEXT,
    message_id      TEXT NOT NULL,
    window_from     TEXT,                           -- the period the digest covers, for the email header
    window_to       TEXT,
    items_json      TEXT NOT NULL,                  -- frozen [{ "paper": id, "topics": [...], "score": n }]
    last_error      TEXT,
    server_reply    TEXT,
    sent_at         TEXT,
    UNIQUE (subscriber_id, period_key)
);
CREATE INDEX deliveries_work ON deliveries (state, next_attempt_at);
