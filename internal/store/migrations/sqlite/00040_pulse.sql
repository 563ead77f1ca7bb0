-- +goose Up
-- The psychological-safety pulse. Answers are kept apart from who
-- answered: pulse_answered says only that a member has answered a round,
-- and pulse_counts holds how many answered each point of each item, so no
-- row, id, time or order ties an answer to a person. Both are written in
-- the one transaction of an answer.

-- pulse_cadences holds the cadence a circle's members chose (meetings
-- between rounds); a circle without a row asks every 6 meetings.
CREATE TABLE pulse_cadences (
    circle_id TEXT PRIMARY KEY REFERENCES circles (id) ON DELETE CASCADE,
    org_id    TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meetings  INTEGER NOT NULL
);

-- pulse_rounds: number counts a circle's rounds from 1, the newest open;
-- held is how many meetings the circle had held when it opened;
-- respondents counts the answers, raised with each.
CREATE TABLE pulse_rounds (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id   TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    held        INTEGER NOT NULL,
    respondents INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, circle_id, number)
);

-- pulse_answered: one row per member who answered a round; the primary
-- key refuses a second answer.
CREATE TABLE pulse_answered (
    round_id TEXT NOT NULL REFERENCES pulse_rounds (id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;

-- pulse_counts: how many answered score (1–7, as given) to item (1–7).
CREATE TABLE pulse_counts (
    round_id TEXT NOT NULL REFERENCES pulse_rounds (id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    item     INTEGER NOT NULL,
    score    INTEGER NOT NULL,
    answers  INTEGER NOT NULL,
    PRIMARY KEY (round_id, item, score)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE pulse_counts;
DROP TABLE pulse_answered;
DROP TABLE pulse_rounds;
DROP TABLE pulse_cadences;
