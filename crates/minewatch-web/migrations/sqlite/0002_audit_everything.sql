-- Every attempt at a write is audited, the refused ones too, with the
-- address it came from; a replayed request is answered from its key.
ALTER TABLE audit ADD COLUMN kind TEXT NOT NULL DEFAULT 'action';
ALTER TABLE audit ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN detail TEXT NOT NULL DEFAULT '';

-- Idempotency-Key: the first answer to a key is the answer to every replay
-- of the same request; the same key with another request is refused.
CREATE TABLE idempotency (
    editor TEXT NOT NULL,
    key TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (editor, key)
);
