-- ASP.NET Data Protection's key ring (it seals antiforgery tokens), kept in the database instead of a keys/ folder
-- beside it: one SQLite file then holds everything a restored copy needs, and nodes sharing a database share the
-- keys, so a form opened on one node submits on another.
CREATE TABLE data_protection_keys (
    name       {text} PRIMARY KEY,                  -- the key's friendly name, e.g. 'key-<guid>'
    xml        {text} NOT NULL,
    created_at {time} NOT NULL
);

-- Each backup written by `storage backup` or the scheduled job: when, where, how big (the dashboard shows the last).
-- On PostgreSQL backups are pg_dump's business and this table stays empty; it exists so the stores read the same
-- tables on both.
CREATE TABLE backups (
    id       {id},
    taken_at {time} NOT NULL,
    path     {text} NOT NULL,
    bytes    {int} NOT NULL
);
