-- +goose Up
-- The org chart counts only the reports still with the organisation, as
-- it lists them: the index that serves the count carries whether each
-- person left, so counting still reads the index alone.
DROP INDEX users_org_manager;
CREATE INDEX users_org_manager ON users (org_id, manager_id, LOWER(name), id, deactivated_at);

-- +goose Down
DROP INDEX users_org_manager;
CREATE INDEX users_org_manager ON users (org_id, manager_id, LOWER(name), id);
