-- HTTP validators per fetched listing URL (after {date} is filled in), so a restart still sends
-- If-None-Match / If-Modified-Since and an unchanged listing is not downloaded again.
-- (SQLite's step also tunes FTS5 merging: PostgreSQL has no papers_fts, so that half has nothing to do here.)
CREATE TABLE listing_sources (
    url           text PRIMARY KEY,
    etag          text,
    last_modified text,                             -- the server's Last-Modified header, verbatim
    fetched_at    timestamptz NOT NULL
);
