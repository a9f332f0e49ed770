-- Nothing to do on PostgreSQL: SQLite's step defers FTS5 indexing during large ingests, and PostgreSQL keeps no
-- papers_fts (matching runs over an in-memory index of the window). The file keeps the numbers alike.
SELECT 1;
