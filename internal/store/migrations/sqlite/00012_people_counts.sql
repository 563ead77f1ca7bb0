-- +goose Up
-- How many people an organisation has, how many of them are invited and
-- not yet joined, and how many are in each department: the home page and
-- the directory show these on every visit, and counting rows would read
-- the whole organisation. Triggers keep them, so that no way of adding or
-- changing a person can forget to.
CREATE TABLE org_people (
    org_id  TEXT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    people  INTEGER NOT NULL DEFAULT 0,
    invited INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE org_departments (
    org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    people INTEGER NOT NULL,
    PRIMARY KEY (org_id, name)
) WITHOUT ROWID;

INSERT INTO org_people (org_id, people, invited)
    SELECT org_id, COUNT(*), SUM(status = 'invited') FROM users GROUP BY org_id;
INSERT INTO org_departments (org_id, name, people)
    SELECT org_id, department, COUNT(*) FROM users WHERE department <> '' GROUP BY org_id, department;

-- +goose StatementBegin
CREATE TRIGGER users_counted AFTER INSERT ON users BEGIN
    INSERT INTO org_people (org_id, people, invited) VALUES (NEW.org_id, 1, NEW.status = 'invited')
        ON CONFLICT (org_id) DO UPDATE SET people = people + 1, invited = invited + (NEW.status = 'invited');
    INSERT INTO org_departments (org_id, name, people) SELECT NEW.org_id, NEW.department, 1 WHERE NEW.department <> ''
        ON CONFLICT (org_id, name) DO UPDATE SET people = people + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_recounted AFTER UPDATE OF status, department ON users BEGIN
    UPDATE org_people SET invited = invited - (OLD.status = 'invited') + (NEW.status = 'invited') WHERE org_id = NEW.org_id;
    UPDATE org_departments SET people = people - 1 WHERE org_id = OLD.org_id AND name = OLD.department AND OLD.department <> NEW.department;
    DELETE FROM org_departments WHERE org_id = OLD.org_id AND name = OLD.department AND people <= 0;
    INSERT INTO org_departments (org_id, name, people) SELECT NEW.org_id, NEW.department, 1
        WHERE NEW.department <> '' AND OLD.department <> NEW.department
        ON CONFLICT (org_id, name) DO UPDATE SET people = people + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_uncounted AFTER DELETE ON users BEGIN
    UPDATE org_people SET people = people - 1, invited = invited - (OLD.status = 'invited') WHERE org_id = OLD.org_id;
    UPDATE org_departments SET people = people - 1 WHERE org_id = OLD.org_id AND name = OLD.department;
    DELETE FROM org_departments WHERE org_id = OLD.org_id AND name = OLD.department AND people <= 0;
END;
-- +goose StatementEnd
