-- A listing's one-line summary of a paper (Hugging Face's ai_summary), shown as a TL;DR above the excerpt.
ALTER TABLE papers ADD COLUMN ai_summary {text};

-- How a reader wants their digest ordered: 'trending' (upvotes first, then relevance) or 'relevance' (best match first).
ALTER TABLE subscribers ADD COLUMN digest_order {text} NOT NULL DEFAULT 'trending' CHECK (digest_order IN ('trending', 'relevance'));
