-- +goose Up
-- meeting_presence is who was in a meeting: a member who was in its live
-- room while it ran, did anything there (a check-in, an offer, the note,
-- a command, a closing answer) or checked in. A row is written once, at
-- the first sign of them, and never removed: attendance is a record.
CREATE TABLE meeting_presence (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seen_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
-- Until now a check-in was the only record of attendance.
INSERT INTO meeting_presence (org_id, meeting_id, user_id, seen_at)
SELECT org_id, meeting_id, user_id, created_at FROM checkins;
