-- +goose Up
-- digests: one row per person and week whose digest was sent, claimed by
-- its insert in the transaction that queues the email, so that however
-- many instances run the weekly job, and however often, each person gets
-- one. week is the Monday it was sent on, in their zone (YYYY-MM-DD).
-- token_hash is the hash of the secret in that email's unsubscribe link.
CREATE TABLE digests (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    week       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    sent_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, week)
);

-- digest: whether the person wants the weekly digest.
ALTER TABLE reminder_prefs ADD COLUMN digest BOOLEAN NOT NULL DEFAULT TRUE;

-- +goose Down
ALTER TABLE reminder_prefs DROP COLUMN digest;
DROP TABLE digests;
