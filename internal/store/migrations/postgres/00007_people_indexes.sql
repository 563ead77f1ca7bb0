-- +goose Up
-- The people directory lists an organisation's people by name a page at a
-- time, and the home page names its departments: both read an index in
-- order instead of sorting the whole organisation.
CREATE INDEX users_org_lower_name ON users (org_id, LOWER(name), id);
CREATE INDEX users_org_department ON users (org_id, department);
