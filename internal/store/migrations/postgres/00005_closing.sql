-- +goose Up
-- closing_answers are each member's quick answer, at a meeting's close,
-- to the working agreement's question: did we get what we wanted today?
-- The circle sees them together; they go nowhere else.
CREATE TABLE closing_answers (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answer     TEXT NOT NULL CHECK (answer IN ('yes', 'partly', 'no')),
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

-- +goose Down
DROP TABLE closing_answers;
