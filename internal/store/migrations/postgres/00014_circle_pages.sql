-- +goose Up
-- A program's formed circles and a round's review are read a page at a
-- time, oldest first: these indexes hand out the page in that order,
-- instead of sorting every circle of a large program for each page.
DROP INDEX circles_org_program;
CREATE INDEX circles_org_program ON circles (org_id, program_id, status, created_at, id);
DROP INDEX circles_org_round;
CREATE INDEX circles_org_round ON circles (org_id, round_id, created_at, id);
-- A round's review counts its circles by status.
CREATE INDEX circles_org_round_status ON circles (org_id, round_id, status);
