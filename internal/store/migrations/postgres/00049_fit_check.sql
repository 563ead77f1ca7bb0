-- +goose Up
-- The first-meeting fit check: after a circle's first meeting, each member
-- is asked "Is this circle a good fit for you?". As with the pulse,
-- answers are kept apart from who answered: fit_answered says only that a
-- member has answered, and fit_counts how many answered yes, not sure and
-- no, so no row, id, time or order ties an answer to a person.

-- fit_counts: one row per circle whose fit check has opened; closed once
-- the circle has held enough meetings that the check no longer changes,
-- from when it may join an admin's pool.
CREATE TABLE fit_counts (
    circle_id    TEXT PRIMARY KEY REFERENCES circles (id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    yes_count    INTEGER NOT NULL DEFAULT 0,
    unsure_count INTEGER NOT NULL DEFAULT 0,
    no_count     INTEGER NOT NULL DEFAULT 0,
    closed       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX fit_counts_org ON fit_counts (org_id);

-- fit_answered: one row per member who answered; the primary key refuses
-- a second answer.
CREATE TABLE fit_answered (
    circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    org_id    TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (circle_id, user_id)
);

-- +goose Down
DROP TABLE fit_answered;
DROP TABLE fit_counts;
