-- Issues 13/16: each distinct list of frozen digest items is stored once per planning run and ledger rows point at
-- it (readers who share filters share a list: a run of 100,000 readers froze 27,033 distinct lists, 200 MB of
-- items_json when every row held its own copy). Rows planned before this keep their own items_json; new rows leave it
-- '' and set items_list. Lists are append-only, written in the same transaction as the first row pointing at them.
CREATE TABLE frozen_lists (
    id         INTEGER PRIMARY KEY,
    items      TEXT NOT NULL,      -- the frozen items (Digests/FrozenItems)
    created_at TEXT NOT NULL
);

ALTER TABLE deliveries ADD COLUMN items_list INTEGER REFERENCES frozen_lists (id);
-- Retention deletes the lists no row points at any more.
CREATE INDEX deliveries_items_list ON deliveries (items_list) WHERE items_list IS NOT NULL;
