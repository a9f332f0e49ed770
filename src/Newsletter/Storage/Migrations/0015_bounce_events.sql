-- Bounces and complaints from every way in (the SMTP session, a bounce mailbox, an MTA pipe, a provider webhook)
-- in one table, so one history shows them all. Each report carries a dedupe key: the same report read twice
-- (a mailbox polled again, a webhook retried) is one row and counts once.
CREATE TABLE bounce_events (
    id            {id},
    subscriber_id {int} REFERENCES subscribers (id) ON DELETE CASCADE,     -- NULL: matched nobody
    delivery_id   {int} REFERENCES deliveries (id) ON DELETE SET NULL,     -- NULL: matched a reader, not a digest
    kind          {text} NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint', 'blocked', 'notice', 'auto-reply', 'unparsed')),
    status        {text},                          -- enhanced status code (5.1.1) or the provider's
    diagnostic    {text},                          -- the remote server's words, or why it could not be read
    recipient     {text},                          -- the address the report is about, as it says it
    remote_mta    {text},
    source        {text} NOT NULL,                 -- smtp, mailbox, pipe, webhook:<provider>
    matched_by    {text} NOT NULL,                 -- verp, header, message-id, address, provider, smtp or none
    dedupe_key    {text} NOT NULL UNIQUE,
    received_at   {time} NOT NULL
);
CREATE INDEX bounce_events_subscriber ON bounce_events (subscriber_id, received_at) WHERE subscriber_id IS NOT NULL;
CREATE INDEX bounce_events_delivery ON bounce_events (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX bounce_events_received ON bounce_events (received_at);

-- The refusals recorded during SMTP sessions so far keep counting: they become hard events from the session.
INSERT INTO bounce_events (subscriber_id, delivery_id, kind, diagnostic, source, matched_by, dedupe_key, received_at)
SELECT subscriber_id, delivery_id, 'hard', reply, 'smtp', 'smtp', 'smtp-legacy:' || id, bounced_at FROM bounces;
DROP TABLE bounces;

-- Why a reader stopped getting email when it was not their own choice (a complaint, bounces).
ALTER TABLE subscribers ADD COLUMN state_reason {text};
