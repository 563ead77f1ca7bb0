-- +goose Up
-- A program's page counts its stalled circles: those the index holds
-- whose stalls_at has passed, read from the index alone.
CREATE INDEX circles_program_stalls ON circles (org_id, program_id, stalls_at) WHERE status = 'active' AND finished_at IS NULL;

-- +goose Down
DROP INDEX circles_program_stalls;
