-- +goose Up
-- A program's page counts its circles waiting for consent or formed.
-- Those of its rounds are counted in round_counts; the few formed outside
-- a round (a pair from an invitation) are found by this index, so that a
-- program of thousands of circles is not counted circle by circle.
CREATE INDEX circles_unrounded ON circles (org_id, program_id, status) WHERE round_id IS NULL;

-- +goose Down
DROP INDEX circles_unrounded;
