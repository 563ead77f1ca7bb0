-- +goose Up
-- schedule_changes records who changed a circle's schedule, from what to
-- what, so that every member sees it and anyone may put it back for a
-- while. schedule_before and schedule_after are the schedules as JSON ('' for none);
-- sequence is the schedule's sequence the change produced: putting a
-- change back is allowed only while the schedule is still at it, so a
-- later change wins.
CREATE TABLE schedule_changes (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id  TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    changed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    changed_at TIMESTAMP NOT NULL,
    sequence   INTEGER NOT NULL,
    schedule_before TEXT NOT NULL,
    schedule_after  TEXT NOT NULL,
    -- undoes is the change this one put back, if it was a "put it back".
    undoes     TEXT,
    undone_at  TIMESTAMP
);
-- The circle page shows the changes of the last two days, newest first.
CREATE INDEX schedule_changes_circle ON schedule_changes (org_id, circle_id, changed_at);

-- +goose Down
DROP TABLE schedule_changes;
