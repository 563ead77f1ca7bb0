-- +goose Up
-- A meeting keeps how many members were recorded at it (present) and, from
-- the first of them, how many it expected: the circle's accepted members
-- then, with those who have left since it started. Triggers on
-- meeting_presence keep both, so that the program dashboard adds them up
-- over a period's meetings from an index, rather than counting every
-- meeting's presence and members again on each view. expected is 0 while
-- present is.
ALTER TABLE meetings ADD COLUMN present INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN expected INTEGER NOT NULL DEFAULT 0;
UPDATE meetings SET present = (SELECT COUNT(*) FROM meeting_presence k WHERE k.meeting_id = meetings.id);
UPDATE meetings SET expected = (SELECT COUNT(*) FROM circle_members cm WHERE cm.circle_id = meetings.circle_id AND cm.response = 'accepted')
    + (SELECT COUNT(*) FROM circle_departures d WHERE d.circle_id = meetings.circle_id AND d.left_at > meetings.starts_at)
    WHERE present > 0;
-- The dashboard reads its counts from the index alone.
DROP INDEX meetings_org_start;
CREATE INDEX meetings_org_start ON meetings (org_id, starts_at, status, present, expected);

-- +goose StatementBegin
CREATE TRIGGER presence_counted AFTER INSERT ON meeting_presence BEGIN
    UPDATE meetings SET present = present + 1,
        expected = CASE WHEN present = 0 THEN
            (SELECT COUNT(*) FROM circle_members cm WHERE cm.circle_id = meetings.circle_id AND cm.response = 'accepted')
            + (SELECT COUNT(*) FROM circle_departures d WHERE d.circle_id = meetings.circle_id AND d.left_at > meetings.starts_at)
        ELSE expected END
    WHERE id = NEW.meeting_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER presence_uncounted AFTER DELETE ON meeting_presence BEGIN
    UPDATE meetings SET present = present - 1, expected = CASE WHEN present = 1 THEN 0 ELSE expected END
    WHERE id = OLD.meeting_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER presence_uncounted;
DROP TRIGGER presence_counted;
DROP INDEX meetings_org_start;
CREATE INDEX meetings_org_start ON meetings (org_id, starts_at);
ALTER TABLE meetings DROP COLUMN expected;
ALTER TABLE meetings DROP COLUMN present;
