-- +goose Up
-- The dashboard counts each month's commitments, circles formed and
-- places proposed from the index on when they happened: the indexes now
-- carry the columns those counts read and filter a program by, so a
-- count reads the index alone and never the rows.
DROP INDEX commitments_org_created;
CREATE INDEX commitments_org_created ON commitments (org_id, created_at, done_at, circle_id);
DROP INDEX circles_org_activated;
CREATE INDEX circles_org_activated ON circles (org_id, activated_at, status, program_id, accepted, departed);
DROP INDEX circles_org_published;
CREATE INDEX circles_org_published ON circles (org_id, published_at, status, program_id, size, declined, departed, accepted);

-- +goose Down
DROP INDEX circles_org_published;
CREATE INDEX circles_org_published ON circles (org_id, published_at);
DROP INDEX circles_org_activated;
CREATE INDEX circles_org_activated ON circles (org_id, activated_at);
DROP INDEX commitments_org_created;
CREATE INDEX commitments_org_created ON commitments (org_id, created_at);
