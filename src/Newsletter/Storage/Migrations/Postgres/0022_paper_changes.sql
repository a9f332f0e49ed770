-- One number that changes whenever any paper is added, changed or removed, by whichever process writes it. The
-- preview's shared window of matches is kept until this number moves. Statement-level here (SQLite's are per row):
-- the one row is then updated once per statement, so ingests on several nodes queue on it once per statement.
CREATE TABLE paper_changes (
    version bigint NOT NULL
);
INSERT INTO paper_changes (version) VALUES (0);

CREATE FUNCTION paper_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE paper_changes SET version = version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER paper_changes AFTER INSERT OR UPDATE OR DELETE ON papers FOR EACH STATEMENT EXECUTE FUNCTION paper_changes();
