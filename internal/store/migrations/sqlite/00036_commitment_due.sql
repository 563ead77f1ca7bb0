-- +goose Up
-- A commitment is due by a day, the circle's next meeting unless its owner
-- picks another. A day before, a reminder goes out (reminded_at); once the
-- day has passed and it is still open, a kind follow-up (followed_up_at)
-- offers to mark it done, move it or let it go (let_go_at). Moving it
-- clears both, so the new date is reminded of again. The rows, not the
-- jobs, are the truth: a job sends only what it can still mark here.
-- version guards every change by its owner.
ALTER TABLE commitments ADD COLUMN due_at TIMESTAMP;
ALTER TABLE commitments ADD COLUMN let_go_at TIMESTAMP;
ALTER TABLE commitments ADD COLUMN reminded_at TIMESTAMP;
ALTER TABLE commitments ADD COLUMN followed_up_at TIMESTAMP;
ALTER TABLE commitments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- A person's commitments by due date: their open ones, and their streak.
CREATE INDEX commitments_user_due ON commitments (org_id, user_id, due_at);

-- +goose Down
DROP INDEX commitments_user_due;
ALTER TABLE commitments DROP COLUMN version;
ALTER TABLE commitments DROP COLUMN followed_up_at;
ALTER TABLE commitments DROP COLUMN reminded_at;
ALTER TABLE commitments DROP COLUMN let_go_at;
ALTER TABLE commitments DROP COLUMN due_at;
