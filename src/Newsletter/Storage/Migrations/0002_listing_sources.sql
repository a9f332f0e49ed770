-- HTTP validators per fetched listing URL (after {date} is filled in), so a restart still sends
-- If-None-Match / If-Modified-Since and an unchanged listing is not downloaded again.
CREATE TABLE listing_sources (
    url           {text} PRIMARY KEY,
    etag          {text},
    last_modified {text},                           -- the server's Last-Modified header, verbatim
    fetched_at    {time} NOT NULL
) {without rowid};

-- sqlite only
-- Let more index segments gather before FTS5 merges them: measured on 30,000 papers in one ingest, about a fifth
-- less CPU per paper, at the cost of a few more segments for a query to visit.
INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', 16);
-- both
