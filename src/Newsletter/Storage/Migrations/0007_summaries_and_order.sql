-- A listing's one-line summary of a paper (Hugging Face's ai_summary), shown as a TL;DR above the excerpt.
ALTER TABLE papers ADD COLUMN ai_summary TEXT;

-- How a reader wants their digest ordered: 'trending' (upvotes first, then relevance) or 'relevance' (best match first).
ALTER TABLE subscribers ADD COLUMN digest_order TEXT NOT NULL DEFAULT 'trending' CHECK (digest_order IN ('trending', 'relevance'));
