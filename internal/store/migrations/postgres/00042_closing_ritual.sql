-- +goose Up
-- ritual_words are what members say in the closing ritual of their
-- circle's last meeting of a season: one appreciation each, to another
-- member (to_user_id), and what each takes with them. Like everything
-- said in a room, they are the circle's alone: only its members read
-- them, never its admins.
CREATE TABLE ritual_words (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('appreciation', 'takeaway')),
    to_user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meeting_id, user_id, kind)
);

-- +goose Down
DROP TABLE ritual_words;
