-- +goose Up
-- The words each person is found by (people.SearchTerms): the directory
-- and the pickers search this index by prefix instead of reading every
-- person. Version 10, a Go migration, fills it for the people already here.
CREATE TABLE user_terms (
    org_id  TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    term    TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, term, user_id)
) WITHOUT ROWID;
CREATE INDEX user_terms_user ON user_terms (user_id);
-- Who the admins are is asked when someone leaves a circle.
CREATE INDEX users_org_role ON users (org_id, role);
-- The org chart counts each person's direct reports and lists them by
-- name, from the index alone.
DROP INDEX users_org_manager;
CREATE INDEX users_org_manager ON users (org_id, manager_id, LOWER(name), id);
