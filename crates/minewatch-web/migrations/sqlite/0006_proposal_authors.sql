-- Who changed a proposal after its submission, besides its proposer: none of
-- them may approve it.
ALTER TABLE proposals ADD COLUMN authors TEXT NOT NULL DEFAULT '';
