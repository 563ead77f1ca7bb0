-- +goose Up
-- A meeting keeps how many members were recorded at it (present) and, from
-- the first of them, how many it expected: the circle's accepted members
-- then, with those who have left since it started. A trigger on
-- meeting_presence keeps both, so that the program dashboard adds them up
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
CREATE OR REPLACE FUNCTION count_presence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE meetings m SET present = m.present + 1,
            expected = CASE WHEN m.present = 0 THEN
                (SELECT COUNT(*) FROM circle_members cm WHERE cm.circle_id = m.circle_id AND cm.response = 'accepted')
                + (SELECT COUNT(*) FROM circle_departures d WHERE d.circle_id = m.circle_id AND d.left_at > m.starts_at)
            ELSE m.expected END
        WHERE m.id = NEW.meeting_id;
    ELSE
        UPDATE meetings m SET present = m.present - 1, expected = CASE WHEN m.present = 1 THEN 0 ELSE m.expected END
        WHERE m.id = OLD.meeting_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER presence_counted AFTER INSERT OR DELETE ON meeting_presence
    FOR EACH ROW EXECUTE FUNCTION count_presence();

-- +goose Down
DROP TRIGGER presence_counted ON meeting_presence;
DROP FUNCTION count_presence();
DROP INDEX meetings_org_start;
CREATE INDEX meetings_org_start ON meetings (org_id, starts_at);
ALTER TABLE meetings DROP COLUMN expected;
ALTER TABLE meetings DROP COLUMN present;
