-- One number that changes whenever any paper is added, changed (upvotes, a revised abstract, filled-in authors) or
-- removed, by whichever process writes it (the web service's ingest job or the `ingest` verb). The preview's shared
-- window of matches is kept until this number moves, so a preview never ranks on stale upvotes or text.
CREATE TABLE paper_changes (
    version INTEGER NOT NULL
);
INSERT INTO paper_changes (version) VALUES (0);

CREATE TRIGGER paper_changes_insert AFTER INSERT ON papers BEGIN
    UPDATE paper_changes SET version = version + 1;
END;
CREATE TRIGGER paper_changes_update AFTER UPDATE ON papers BEGIN
    UPDATE paper_changes SET version = version + 1;
END;
CREATE TRIGGER paper_changes_delete AFTER DELETE ON papers BEGIN
    UPDATE paper_changes SET version = version + 1;
END;
