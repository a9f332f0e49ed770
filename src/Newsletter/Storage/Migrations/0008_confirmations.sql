-- Confirmation emails as an outbox: each row is one emailed link and the choices it will apply when its owner
-- confirms, sent by a job with the same states and retries as digests. The link's token is derived from the row
-- id with the server key (HMAC), so only its SHA-256 is stored, as for every other token.
CREATE TABLE confirmations (
    id              {id},
    subscriber_id   {int} NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    token_hash      {text} UNIQUE,                   -- hex sha256 of the link token; set in the inserting transaction
    choices_json    {text},                          -- the requested settings and filters; NULL keeps the current ones
    created_at      {time} NOT NULL,
    expires_at      {time} NOT NULL,
    used_at         {time},
    state           {text} NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'retry', 'failed', 'unknown')),
    attempts        {int} NOT NULL DEFAULT 0,
    next_attempt_at {time},
    lease_until     {time},
    lease_owner     {text},
    last_error      {text},
    server_reply    {text},
    sent_at         {time},
    updated_at      {time}
);
CREATE INDEX confirmations_subscriber ON confirmations (subscriber_id, created_at);
CREATE INDEX confirmations_work ON confirmations (state, next_attempt_at);

-- sqlite only
-- Links already mailed keep working: they become rows that were sent and choose nothing (their choices were
-- stored on the reader when they were requested). No PostgreSQL database is older than this step: none there.
INSERT INTO confirmations (subscriber_id, token_hash, choices_json, created_at, expires_at, used_at, state, sent_at, updated_at)
SELECT subscriber_id, hash, NULL, created_at, COALESCE(expires_at, created_at), used_at, 'sent', created_at, created_at
FROM tokens WHERE purpose = 'confirm';
DELETE FROM tokens WHERE purpose = 'confirm';
-- both
