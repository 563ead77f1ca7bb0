-- +goose Up
-- A member's own standing in their circle, kept on their membership row
-- so that it leaves with them:
-- paused_until is the end of a pause the member chose (NULL: not
-- paused); while it lies ahead they get no meeting reminders and are not
-- counted as missing. The hourly upkeep clears it once it has passed.
-- counted_from is when meetings begin to count towards missing again
-- (after a pause); NULL counts every meeting.
-- absence_told is the last threshold of meetings missed in a row that
-- the member was told of (0 none, 2 a nudge, 3 the pause-or-leave
-- question), and absence_at the start of the newest meeting counted in
-- that run, so that a run told of is told of once.
ALTER TABLE circle_members ADD COLUMN paused_until TIMESTAMPTZ;
ALTER TABLE circle_members ADD COLUMN counted_from TIMESTAMPTZ;
ALTER TABLE circle_members ADD COLUMN absence_told INTEGER NOT NULL DEFAULT 0;
ALTER TABLE circle_members ADD COLUMN absence_at TIMESTAMPTZ;
-- struggling_since is when an active circle's attendance fell below half
-- of its members for three held meetings in a row, as the hourly upkeep
-- last found (NULL: not struggling). Admins see that it struggles, never
-- who was missing.
ALTER TABLE circles ADD COLUMN struggling_since TIMESTAMPTZ;
-- Counting a program's struggling circles reads only them.
CREATE INDEX circles_struggling ON circles (org_id, program_id) WHERE status = 'active' AND struggling_since IS NOT NULL;
