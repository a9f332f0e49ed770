-- Delivery: when a row last changed state (for `resend --since`), and the permanent refusals that suppress a reader.
ALTER TABLE deliveries ADD COLUMN updated_at TEXT;

CREATE TABLE bounces (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    delivery_id   INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
    reply         TEXT NOT NULL,                    -- the server's refusal
    bounced_at    TEXT NOT NULL
);
CREATE INDEX bounces_subscriber ON bounces (subscriber_id, bounced_at);

-- Claims take pending rows in id order; this keeps a claim cheap however long the ledger grows.
CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending';
