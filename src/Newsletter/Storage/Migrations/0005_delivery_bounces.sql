-- Delivery: when a row last changed state (for `resend --since`), and the permanent refusals that suppress a reader.
ALTER TABLE deliveries ADD COLUMN updated_at {time};

CREATE TABLE bounces (
    id            {id},
    subscriber_id {int} NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    delivery_id   {int} REFERENCES deliveries (id) ON DELETE SET NULL,
    reply         {text} NOT NULL,                  -- the server's refusal
    bounced_at    {time} NOT NULL
);
CREATE INDEX bounces_subscriber ON bounces (subscriber_id, bounced_at);

-- Claims take pending rows in id order; this keeps a claim cheap however long the ledger grows.
CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending';
