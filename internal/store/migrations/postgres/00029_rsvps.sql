-- +goose Up
-- meeting_rsvps: each member's answer to one meeting ahead, "coming" or
-- "not_coming", changed as often as they like until it starts (version
-- guards a change against a concurrent one). No row means no answer.
CREATE TABLE meeting_rsvps (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answer     TEXT NOT NULL CHECK (answer IN ('coming', 'not_coming')),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX meeting_rsvps_user ON meeting_rsvps (user_id, meeting_id);

-- +goose Down
DROP TABLE meeting_rsvps;
