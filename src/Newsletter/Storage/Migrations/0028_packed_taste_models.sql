-- Issue 16: readers' taste models as planning reads them: packed binary (ForYou/TasteModel.Pack: term keys and
-- float32 weights), so a run reads 10,000 models without parsing text or making a string per term. The JSON models
-- of reader_models are no longer written: the first planning run after this migration packs and removes them
-- (TasteModelStore.PackStored); a later migration may drop the empty table.
CREATE TABLE reader_tastes (
    subscriber_id {int} PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
    model         {blob} NOT NULL,
    built_at      {time} NOT NULL
);
