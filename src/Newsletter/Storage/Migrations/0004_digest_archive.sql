-- "View in browser" links: one token per rendered digest email, stored only as its SHA-256, pointing at the ledger
-- row whose frozen papers the archive page renders again.
CREATE TABLE digest_archive_tokens (
    hash        {text} PRIMARY KEY,
    delivery_id {int} NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    created_at  {time} NOT NULL
) {without rowid};
CREATE INDEX digest_archive_tokens_delivery ON digest_archive_tokens (delivery_id);
