-- +goose Up
-- A member's home lists the programs they may still join: those whose
-- opt-in has not closed and that are not closed. An organisation keeps
-- every program it ever ran, so they are found by when their opt-in
-- closes, not by reading them all.
CREATE INDEX programs_open ON programs (org_id, opt_in_closes) WHERE closed_at IS NULL;

-- +goose Down
DROP INDEX programs_open;
