-- +goose Up
-- size is how many members a circle has, kept by triggers, so that an
-- admin's list of the circles that have become too small is a range of
-- an index rather than a count of every circle's members.
ALTER TABLE circles ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE circles SET size = (SELECT COUNT(*) FROM circle_members m WHERE m.circle_id = circles.id);

-- +goose StatementBegin
CREATE TRIGGER circle_members_joined AFTER INSERT ON circle_members BEGIN
    UPDATE circles SET size = size + 1 WHERE id = NEW.circle_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circle_members_left AFTER DELETE ON circle_members BEGIN
    UPDATE circles SET size = size - 1 WHERE id = OLD.circle_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circle_members_moved AFTER UPDATE OF circle_id ON circle_members BEGIN
    UPDATE circles SET size = size - 1 WHERE id = OLD.circle_id;
    UPDATE circles SET size = size + 1 WHERE id = NEW.circle_id;
END;
-- +goose StatementEnd

-- Only active circles can become too small; a closed program's are done.
CREATE INDEX circles_small ON circles (org_id, program_id, size) WHERE status = 'active' AND finished_at IS NULL;

-- +goose Down
DROP INDEX circles_small;
DROP TRIGGER circle_members_moved;
DROP TRIGGER circle_members_left;
DROP TRIGGER circle_members_joined;
ALTER TABLE circles DROP COLUMN size;
