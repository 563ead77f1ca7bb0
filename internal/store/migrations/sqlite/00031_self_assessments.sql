-- +goose Up
-- A self-assessment is private to its owner, like their journal: what
-- they picked and how they rated it is sealed under their journal data
-- key; only the times are in the clear.
CREATE TABLE self_assessments (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sealed     BLOB NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX self_assessments_by_owner ON self_assessments (org_id, user_id, created_at);

-- +goose Down
DROP TABLE self_assessments;
