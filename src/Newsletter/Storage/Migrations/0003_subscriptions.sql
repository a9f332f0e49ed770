-- How many confirmation emails went to a subscriber on one UTC day, so a flood of subscribe requests cannot turn
-- the service into a mail cannon aimed at one inbox. Keyed by subscriber (not address) so deleting them deletes it.
CREATE TABLE confirmation_sends (
    subscriber_id {int} NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    day           {text} NOT NULL,                  -- yyyy-MM-dd, UTC
    count         {int} NOT NULL,
    PRIMARY KEY (subscriber_id, day)
) {without rowid};

-- Server-side secrets created on first use (e.g. the key that derives long-lived manage and unsubscribe tokens).
CREATE TABLE server_secrets (
    name       {text} PRIMARY KEY,
    value      {text} NOT NULL,
    created_at {time} NOT NULL
) {without rowid};
