-- +goose Up
-- How many people an organisation has, how many of them are invited and
-- not yet joined, and how many are in each department: the home page and
-- the directory show these on every visit, and counting rows would read
-- the whole organisation. A trigger keeps them, so that no way of adding
-- or changing a person can forget to.
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
);

INSERT INTO org_people (org_id, people, invited)
    SELECT org_id, COUNT(*), COUNT(*) FILTER (WHERE status = 'invited') FROM users GROUP BY org_id;
INSERT INTO org_departments (org_id, name, people)
    SELECT org_id, department, COUNT(*) FROM users WHERE department <> '' GROUP BY org_id, department;

-- +goose StatementBegin
CREATE FUNCTION count_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE org_people SET people = people - 1, invited = invited - (OLD.status = 'invited')::int WHERE org_id = OLD.org_id;
        UPDATE org_departments SET people = people - 1 WHERE org_id = OLD.org_id AND name = OLD.department;
        DELETE FROM org_departments WHERE org_id = OLD.org_id AND name = OLD.department AND people <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO org_people (org_id, people, invited) VALUES (NEW.org_id, 1, (NEW.status = 'invited')::int)
            ON CONFLICT (org_id) DO UPDATE SET people = org_people.people + 1, invited = org_people.invited + EXCLUDED.invited;
        IF NEW.department <> '' THEN
            INSERT INTO org_departments (org_id, name, people) VALUES (NEW.org_id, NEW.department, 1)
                ON CONFLICT (org_id, name) DO UPDATE SET people = org_departments.people + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER users_counted AFTER INSERT OR DELETE OR UPDATE OF status, department ON users
    FOR EACH ROW EXECUTE FUNCTION count_people();
