-- A proposal may add a row to any of the row tables, correct a row or
-- retract one; it has revisions, and the approvals of a revision count only
-- for it (a proposal changed after submission loses its approvals).
ALTER TABLE proposals ADD COLUMN file TEXT NOT NULL DEFAULT 'treaty_actions.csv';
ALTER TABLE proposals ADD COLUMN target_row TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

CREATE TABLE approvals (
    proposal INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (proposal, revision, reviewer)
);
