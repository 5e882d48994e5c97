-- Editors have a role (editor, reviewer, maintainer) and can be revoked.
-- Every editor created before roles could write directly: a maintainer.
ALTER TABLE editors ADD COLUMN role TEXT NOT NULL DEFAULT 'maintainer';
ALTER TABLE editors ADD COLUMN revoked TEXT;
