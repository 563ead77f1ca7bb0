-- +goose Up
-- People change over time. An admin edits a person, or an import updates
-- many: each change is guarded by the row's version, so that of two edits
-- made from the same reading one is refused instead of silently lost.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- A leaver is deactivated, not deleted: their history stays, and they can
-- be reactivated. Their status (invited or active) is kept for that.
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ;
CREATE INDEX users_deactivated ON users (org_id, department) WHERE deactivated_at IS NOT NULL;

-- An imported person's invitation can be held until a program opens; the
-- people page counts the held ones and sends them on request.
ALTER TABLE users ADD COLUMN invitation_held BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX users_held ON users (org_id, department) WHERE invitation_held;
