-- ASP.NET Data Protection's key ring (it seals antiforgery tokens), kept in the database instead of a keys/ folder
-- beside it: one file then holds everything a restored copy needs, and nodes sharing a database share the keys.
CREATE TABLE data_protection_keys (
    name       TEXT PRIMARY KEY,                    -- the key's friendly name, e.g. 'key-<guid>'
    xml        TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Each backup written by `storage backup` or the scheduled job: when, where, how big (the dashboard shows the last).
CREATE TABLE backups (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    taken_at TEXT NOT NULL,
    path     TEXT NOT NULL,
    bytes    INTEGER NOT NULL
);
