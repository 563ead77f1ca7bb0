-- +goose Up
-- program_counts keeps, for each program, how many people who are still
-- with the organisation have opted in, so that a program's page and its
-- participants list read the count rather than count thousands of
-- opt-ins on every request. The store changes it in the transactions
-- that add or withdraw an opt-in or that let a person go or back in.
CREATE TABLE program_counts (
    program_id TEXT PRIMARY KEY REFERENCES programs (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    opt_ins    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO program_counts (program_id, org_id, opt_ins)
SELECT p.id, p.org_id, (SELECT COUNT(*) FROM opt_ins o JOIN users u ON u.org_id = o.org_id AND u.id = o.user_id
    WHERE o.program_id = p.id AND u.deactivated_at IS NULL)
FROM programs p;

-- +goose Down
DROP TABLE program_counts;
