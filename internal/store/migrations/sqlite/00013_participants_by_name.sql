-- +goose Up
-- A program's participants are listed a page at a time by name. Each
-- opt-in keeps its person's name as the list sorts it, so that an index
-- gives the page in order instead of joining and sorting every opt-in of
-- the program. Triggers keep it: when someone opts in, and when their
-- name changes.
ALTER TABLE opt_ins ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
UPDATE opt_ins SET sort_name = (SELECT LOWER(u.name) FROM users u WHERE u.org_id = opt_ins.org_id AND u.id = opt_ins.user_id);
CREATE INDEX opt_ins_program_name ON opt_ins (org_id, program_id, sort_name, user_id);

-- +goose StatementBegin
CREATE TRIGGER opt_ins_named AFTER INSERT ON opt_ins BEGIN
    UPDATE opt_ins SET sort_name = (SELECT LOWER(u.name) FROM users u WHERE u.org_id = NEW.org_id AND u.id = NEW.user_id)
        WHERE program_id = NEW.program_id AND user_id = NEW.user_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_renamed AFTER UPDATE OF name ON users BEGIN
    UPDATE opt_ins SET sort_name = LOWER(NEW.name) WHERE org_id = NEW.org_id AND user_id = NEW.id;
END;
-- +goose StatementEnd
