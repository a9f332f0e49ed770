-- Issue 16: a reader's "more like this" / "less like this" marks and "papers I like", one row per reader and paper
-- (a new mark on the same paper replaces the old one), removed with the reader or the paper.
CREATE TABLE reader_marks (
    subscriber_id {int} NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    paper_id      {int} NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    kind          {text} NOT NULL CHECK (kind IN ('more', 'less')),
    source        {text} NOT NULL CHECK (source IN ('digest', 'liked')), -- a digest's link, or "papers I like"
    created_at    {time} NOT NULL,
    PRIMARY KEY (subscriber_id, paper_id)
) {without rowid};

-- The taste model built from a reader's marks, rebuilt when they change (never per digest): see ForYou/TasteModel.
CREATE TABLE reader_models (
    subscriber_id {int} PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
    model         {text} NOT NULL, -- JSON
    built_at      {time} NOT NULL
);
