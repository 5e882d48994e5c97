-- The edit log: every change to the record, under the record version it
-- made, with its rows (a row table's old and new cells, or a whole file's
-- text), so that the record as it stood after any edit can be rebuilt.
-- A database filled before the log has one `snapshot` edit: the record as
-- it stood when the log began.
CREATE TABLE edits (
    version BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    editor TEXT NOT NULL,
    kind TEXT NOT NULL,
    audit BIGINT NOT NULL,
    note TEXT NOT NULL,
    changes TEXT NOT NULL
);
