-- Issue 13: every planned row entered deliveries_items_list (0025) at the place of its list's id, and list ids arrive
-- out of order (many readers share a list written pages earlier), so each page's commit rewrote leaves all over the
-- index: the dearest entry a planned row wrote. Its one reader was retention's "no row points at this list", which
-- now asks the same of the list's run instead (FrozenListStore.RemoveUnused: a row points only at a list its own run
-- wrote, and a run writes its rows and lists at one time), through deliveries_state_created (0024).
-- PostgreSQL keeps the index: there the foreign key on items_list is checked when a list is deleted, by this index.
SELECT 1;
-- sqlite only
DROP INDEX deliveries_items_list;
