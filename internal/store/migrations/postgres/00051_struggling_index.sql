-- +goose Up
-- Counting struggling circles, for a program's page and the admin's home,
-- should read only the struggling ones. SQLite took the index of all of
-- an organisation's active circles over the old partial index (org_id,
-- program_id) WHERE status = 'active' AND ...: both matched two or three
-- columns by equality, and it could not tell that the partial one is
-- tiny. With status among its columns, this one matches as many columns
-- as any other index and its statistics show how few rows it holds.
DROP INDEX circles_struggling;
CREATE INDEX circles_struggling ON circles (org_id, status, program_id) WHERE struggling_since IS NOT NULL AND finished_at IS NULL;

-- +goose Down
DROP INDEX circles_struggling;
CREATE INDEX circles_struggling ON circles (org_id, program_id) WHERE status = 'active' AND struggling_since IS NOT NULL;
