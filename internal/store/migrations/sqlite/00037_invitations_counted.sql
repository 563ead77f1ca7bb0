-- +goose Up
-- "Invited, not yet joined" counts the invitations that went out and wait
-- for an answer, from people still with the organisation: a held
-- invitation has not been sent, and a leaver's will never be answered.
-- The held ones (of people still here) are counted apart, so that the
-- home can say how many wait for a program to open.
ALTER TABLE org_people ADD COLUMN held INTEGER NOT NULL DEFAULT 0;

UPDATE org_people SET
    invited = (SELECT COUNT(*) FROM users u WHERE u.org_id = org_people.org_id
        AND u.status = 'invited' AND NOT u.invitation_held AND u.deactivated_at IS NULL),
    held = (SELECT COUNT(*) FROM users u WHERE u.org_id = org_people.org_id
        AND u.status = 'invited' AND u.invitation_held AND u.deactivated_at IS NULL);

DROP TRIGGER users_counted;
DROP TRIGGER users_recounted;
DROP TRIGGER users_uncounted;

-- +goose StatementBegin
CREATE TRIGGER users_counted AFTER INSERT ON users BEGIN
    INSERT INTO org_people (org_id, people, invited, held) VALUES (NEW.org_id, 1,
            NEW.status = 'invited' AND NOT NEW.invitation_held AND NEW.deactivated_at IS NULL,
            NEW.status = 'invited' AND NEW.invitation_held AND NEW.deactivated_at IS NULL)
        ON CONFLICT (org_id) DO UPDATE SET people = people + 1, invited = invited + excluded.invited, held = held + excluded.held;
    INSERT INTO org_departments (org_id, name, people) SELECT NEW.org_id, NEW.department, 1 WHERE NEW.department <> ''
        ON CONFLICT (org_id, name) DO UPDATE SET people = people + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_recounted AFTER UPDATE OF status, department, invitation_held, deactivated_at ON users BEGIN
    UPDATE org_people SET
        invited = invited - (OLD.status = 'invited' AND NOT OLD.invitation_held AND OLD.deactivated_at IS NULL)
                          + (NEW.status = 'invited' AND NOT NEW.invitation_held AND NEW.deactivated_at IS NULL),
        held = held - (OLD.status = 'invited' AND OLD.invitation_held AND OLD.deactivated_at IS NULL)
                    + (NEW.status = 'invited' AND NEW.invitation_held AND NEW.deactivated_at IS NULL)
        WHERE org_id = NEW.org_id;
    UPDATE org_departments SET people = people - 1 WHERE org_id = OLD.org_id AND name = OLD.department AND OLD.department <> NEW.department;
    DELETE FROM org_departments WHERE org_id = OLD.org_id AND name = OLD.department AND people <= 0;
    INSERT INTO org_departments (org_id, name, people) SELECT NEW.org_id, NEW.department, 1
        WHERE NEW.department <> '' AND OLD.department <> NEW.department
        ON CONFLICT (org_id, name) DO UPDATE SET people = people + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_uncounted AFTER DELETE ON users BEGIN
    UPDATE org_people SET people = people - 1,
        invited = invited - (OLD.status = 'invited' AND NOT OLD.invitation_held AND OLD.deactivated_at IS NULL),
        held = held - (OLD.status = 'invited' AND OLD.invitation_held AND OLD.deactivated_at IS NULL)
        WHERE org_id = OLD.org_id;
    UPDATE org_departments SET people = people - 1 WHERE org_id = OLD.org_id AND name = OLD.department;
    DELETE FROM org_departments WHERE org_id = OLD.org_id AND name = OLD.department AND people <= 0;
END;
-- +goose StatementEnd
