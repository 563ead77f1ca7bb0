-- +goose Up
-- The program dashboard counts what happened in each month of a period,
-- for the organisation or one program: these indexes hand it the rows of
-- that period alone, by the time each thing happened, instead of every
-- row the organisation ever had.
CREATE INDEX opt_ins_org_created ON opt_ins (org_id, created_at);
CREATE INDEX opt_ins_program_created ON opt_ins (org_id, program_id, created_at);
CREATE INDEX circles_org_published ON circles (org_id, published_at);
CREATE INDEX circles_org_activated ON circles (org_id, activated_at);
CREATE INDEX circles_org_finished ON circles (org_id, finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX meetings_org_start ON meetings (org_id, starts_at);
CREATE INDEX commitments_org_created ON commitments (org_id, created_at);
CREATE INDEX guests_org_accepted ON guests (org_id, accepted_at) WHERE accepted_at IS NOT NULL;

-- +goose Down
DROP INDEX guests_org_accepted;
DROP INDEX commitments_org_created;
DROP INDEX meetings_org_start;
DROP INDEX circles_org_finished;
DROP INDEX circles_org_activated;
DROP INDEX circles_org_published;
DROP INDEX opt_ins_program_created;
DROP INDEX opt_ins_org_created;
