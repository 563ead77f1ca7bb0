-- +goose Up
-- size is how many members a circle has, kept by a trigger, so that an
-- admin's list of the circles that have become too small is a range of
-- an index rather than a count of every circle's members.
ALTER TABLE circles ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE circles SET size = (SELECT COUNT(*) FROM circle_members m WHERE m.circle_id = circles.id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION size_circles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE circles SET size = size - 1 WHERE id = OLD.circle_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE circles SET size = size + 1 WHERE id = NEW.circle_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER circle_members_sized AFTER INSERT OR DELETE OR UPDATE OF circle_id ON circle_members
    FOR EACH ROW EXECUTE FUNCTION size_circles();

-- Only active circles can become too small; a closed program's are done.
CREATE INDEX circles_small ON circles (org_id, program_id, size) WHERE status = 'active' AND finished_at IS NULL;

-- +goose Down
DROP INDEX circles_small;
DROP TRIGGER circle_members_sized ON circle_members;
DROP FUNCTION size_circles();
ALTER TABLE circles DROP COLUMN size;
