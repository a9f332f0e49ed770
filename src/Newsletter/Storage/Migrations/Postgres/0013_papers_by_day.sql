-- The public papers page lists papers day by day (published, else first seen), newest first: this index lets it
-- find each day and its papers with a seek instead of sorting every paper on every request.
CREATE INDEX papers_day ON papers (coalesce(published_at, first_seen_at));
