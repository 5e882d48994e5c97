-- Edits proposed by an editor and decided by another: only an approved
-- proposal changes the record; a rejected one stays, with its reason.
CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    action_row TEXT NOT NULL,
    source_row TEXT NOT NULL,
    comment TEXT NOT NULL,
    proposer TEXT NOT NULL,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT ''
);
