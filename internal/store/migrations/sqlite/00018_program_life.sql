-- +goose Up
-- A program's life: when it ends by itself (NULL for programs from before
-- end dates, which run until closed), when it was closed, and when each
-- of its mailings began. Each mailing's column is set in the change that
-- starts it and guards it: the opening email and the reminder before
-- opt-in closes go out once, a bulk reminder at most once a day.
ALTER TABLE programs ADD COLUMN ends_at TIMESTAMP;
ALTER TABLE programs ADD COLUMN closed_at TIMESTAMP;
ALTER TABLE programs ADD COLUMN announced_at TIMESTAMP;
ALTER TABLE programs ADD COLUMN reminded_at TIMESTAMP;
ALTER TABLE programs ADD COLUMN bulk_reminded_at TIMESTAMP;

-- Programs that opened before opening emails existed are not announced
-- again to an organisation that has known them for a while.
UPDATE programs SET announced_at = opt_in_opens WHERE opt_in_opens <= unixepoch() * 1000000;

-- program_departments is who a program is for; a program without rows is
-- for everyone.
CREATE TABLE program_departments (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    department TEXT NOT NULL,
    PRIMARY KEY (program_id, department)
);
CREATE INDEX program_departments_org ON program_departments (org_id, program_id);

-- program_mailings is where each mailing to a program's audience has got
-- to: it goes out in batches, one transaction each, in the order of the
-- people's ids, and reached is the last id a batch got to. A batch applies
-- only from the reached it was read at, so a batch is never sent twice.
CREATE TABLE program_mailings (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('opening', 'reminder', 'bulk')),
    reached    TEXT NOT NULL DEFAULT '',
    sent       INTEGER NOT NULL DEFAULT 0,
    started_at TIMESTAMP NOT NULL,
    done_at    TIMESTAMP,
    PRIMARY KEY (program_id, kind)
);
CREATE INDEX program_mailings_org ON program_mailings (org_id, program_id);
-- The hourly upkeep finds the mailings left unfinished, and the programs
-- not yet closed, across every organisation.
CREATE INDEX program_mailings_unfinished ON program_mailings (done_at);
CREATE INDEX programs_closed ON programs (closed_at);

-- Mailings walk an organisation's active people in id order.
CREATE INDEX users_org_status_id ON users (org_id, status, id);
