-- +goose Up
-- stalls_at is when an active circle counts as no longer meeting: two
-- cadence periods after its latest meeting on the schedule (or after it
-- formed, if it has none). Every change to a circle's meetings rewrites
-- it, and the hourly upkeep keeps it for circles nobody changes, so that
-- "which circles have stalled" is a range of an index, not a look at
-- every circle's meetings. NULL until a circle's first change or upkeep.
ALTER TABLE circles ADD COLUMN stalls_at TIMESTAMP;
-- The stalled circles of an organisation, and of each of its programs,
-- are those whose stalls_at has passed: the index holds active circles
-- alone, so counting them reads only the stalled ones.
CREATE INDEX circles_stalls ON circles (org_id, stalls_at, program_id) WHERE status = 'active';
-- A person's home lists their open commitments.
CREATE INDEX commitments_open ON commitments (org_id, user_id, created_at) WHERE done_at IS NULL;
-- An admin's home lists the rounds whose proposals wait to be published,
-- newest first.
CREATE INDEX rounds_org_created ON rounds (org_id, created_at, id);
