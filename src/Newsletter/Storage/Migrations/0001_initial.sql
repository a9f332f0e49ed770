-- The first schema, written once for both providers (Storage/Migrator.Render): every integer is 64-bit ({int}:
-- SQLite hands back 64-bit integers, so the stores read the same types on both), every time is an instant ({time}:
-- ISO-8601 UTC text in SQLite, timestamptz in PostgreSQL, written and read in UTC by Storage/UtcTimestampHandler).
-- PostgreSQL has no papers_fts: keyword matching runs over an in-memory SQLite FTS5 index of the window's papers on
-- either provider, so readers' queries mean the same everywhere.

-- postgres only
-- The UTC calendar day of an instant as yyyy-MM-dd text: what SQLite's substr(time, 1, 10) gives on its text times.
CREATE FUNCTION utc_day(at timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;
-- both

-- Papers: id is the ingest sequence (never reused on either provider), so "papers new since X" is id > X.
CREATE TABLE papers (
    id               {id},
    paper_key        {text} NOT NULL UNIQUE,        -- arXiv id without version, else 'title:' + hash of normalised title
    arxiv_id         {text} UNIQUE,
    title            {text} NOT NULL,
    normalized_title {text} NOT NULL UNIQUE,
    abstract         {text} NOT NULL,
    authors          {text} NOT NULL DEFAULT '',    -- comma separated, in listing order
    published_at     {time},
    upvotes          {int},
    abs_url          {text},
    pdf_url          {text},
    hf_url           {text},
    github_url       {text},
    project_url      {text},
    first_seen_at    {time} NOT NULL,
    updated_at       {time} NOT NULL
);

-- sqlite only
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
-- both

CREATE TABLE paper_categories (
    paper_id {int} NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    category {text} NOT NULL,
    PRIMARY KEY (paper_id, category)
) {without rowid};

CREATE TABLE paper_sources (
    paper_id {int} NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    source   {text} NOT NULL,
    PRIMARY KEY (paper_id, source)
) {without rowid};

CREATE TABLE subscribers (
    id              {id},
    email           {text} NOT NULL UNIQUE,         -- normalised: trimmed, domain in IDNA form, lower case
    state           {text} NOT NULL CHECK (state IN ('pending', 'confirmed', 'unsubscribed', 'suppressed')),
    frequency       {text} NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly')),
    weekday         {int} NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 0 AND 6),     -- 0 = Sunday
    hour            {int} NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
    timezone        {text} NOT NULL DEFAULT 'UTC',
    created_at      {time} NOT NULL,
    confirmed_at    {time},
    unsubscribed_at {time},
    last_seq        {int},                          -- newest paper id already covered by a digest
    next_due_at     {time}                          -- when the next digest is due (UTC); NULL unless confirmed
);
CREATE INDEX subscribers_due ON subscribers (next_due_at) WHERE state = 'confirmed';

CREATE TABLE subscriber_filters (
    subscriber_id {int} NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kind          {text} NOT NULL CHECK (kind IN ('topic', 'keyword')),
    value         {text} NOT NULL,
    PRIMARY KEY (subscriber_id, kind, value)
) {without rowid};

CREATE TABLE tokens (
    hash          {text} PRIMARY KEY,               -- hex sha256 of the token; the token itself is never stored
    subscriber_id {int} NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    purpose       {text} NOT NULL,
    created_at    {time} NOT NULL,
    expires_at    {time},
    used_at       {time}
);
CREATE INDEX tokens_subscriber ON tokens (subscriber_id, purpose);

-- The delivery ledger: one row per reader and digest period, holding the frozen content.
CREATE TABLE deliveries (
    id              {id},
    subscriber_id   {int} NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    period_key      {text} NOT NULL,                -- e.g. 'daily:2026-11-24' or 'weekly:2026-W48'
    state           {text} NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'retry', 'failed', 'unknown')),
    attempts        {int} NOT NULL DEFAULT 0,
    created_at      {time} NOT NULL,
    next_attempt_at {time},
    lease_until     {time},
    lease_owner     {text},
    message_id      {text} NOT NULL,
    window_from     {time},                         -- the period the digest covers, for the email header
    window_to       {time},
    items_json      {text} NOT NULL,                -- frozen [{ "paper": id, "topics": [...], "score": n }]
    last_error      {text},
    server_reply    {text},
    sent_at         {time},
    UNIQUE (subscriber_id, period_key)
);
CREATE INDEX deliveries_work ON deliveries (state, next_attempt_at);
