-- +goose Up
-- A helping note is one person's private note on one counsel step (the
-- step about presenter_id's situation): as a helper, the role they took;
-- as the presenter, which help helped. Its content is sealed under its
-- author's journal data key.
CREATE TABLE helping_notes (
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    meeting_id   TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    presenter_id TEXT NOT NULL,
    sealed       BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, user_id, meeting_id, presenter_id)
);

-- +goose Down
DROP TABLE helping_notes;
