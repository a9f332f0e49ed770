-- Previews, /papers search and topic feeds start their window at the first paper seen after a cutoff; without this
-- index that lookup walked every older paper, so its cost grew with the whole history.
CREATE INDEX papers_first_seen ON papers (first_seen_at);
