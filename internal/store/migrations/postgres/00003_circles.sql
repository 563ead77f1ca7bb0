-- +goose Up
-- ground_rules keeps every version of an organisation's ground rules; the
-- newest is in force. An organisation without a row uses the built-in text
-- as version 1.
CREATE TABLE ground_rules (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, version)
);

-- ground_rule_acks records who acknowledged which version in which circle.
CREATE TABLE ground_rule_acks (
    org_id          TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id       TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    acknowledged_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (circle_id, user_id, version)
);

-- agreement_versions is a circle's working agreement, every version of it:
-- proposed ones wait for consent, one is adopted (in force), older ones are
-- superseded, and withdrawn ones were dropped or replaced by a newer
-- proposal.
CREATE TABLE agreement_versions (
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id   TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    proposed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    proposed_at TIMESTAMPTZ NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'adopted', 'superseded', 'withdrawn')),
    adopted_at  TIMESTAMPTZ,
    PRIMARY KEY (circle_id, version)
);

CREATE TABLE agreement_consents (
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    consented_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (circle_id, version, user_id),
    FOREIGN KEY (circle_id, version) REFERENCES agreement_versions (circle_id, version) ON DELETE CASCADE
);

-- schedules holds a circle's recurrence: the rule, the zone its wall-clock
-- time is kept in, and the first occurrence. sequence counts changes, for
-- iCalendar's SEQUENCE.
CREATE TABLE schedules (
    circle_id        TEXT PRIMARY KEY REFERENCES circles (id) ON DELETE CASCADE,
    org_id           TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    freq             TEXT NOT NULL CHECK (freq IN ('weekly', 'fortnightly', 'four-weekly', 'monthly')),
    weekday          INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    nth              INTEGER NOT NULL DEFAULT 0,
    timezone         TEXT NOT NULL,
    first_start      TIMESTAMPTZ NOT NULL,
    duration_minutes INTEGER NOT NULL,
    video_url        TEXT NOT NULL DEFAULT '',
    sequence         INTEGER NOT NULL DEFAULT 0,
    updated_by       TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

-- meetings are a schedule's occurrences, written a few ahead so that each
-- can be moved, cancelled, given its roles and reminded of.
CREATE TABLE meetings (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id      TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    original_start TIMESTAMPTZ NOT NULL,
    starts_at      TIMESTAMPTZ NOT NULL,
    ends_at        TIMESTAMPTZ NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    sequence       INTEGER NOT NULL DEFAULT 0,
    facilitator_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    timekeeper_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
    roles_chosen   BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (circle_id, original_start)
);
CREATE INDEX meetings_circle_start ON meetings (circle_id, starts_at);

-- reminders are the emails due before a meeting, one per person and offset.
-- The row, not the job, is the truth: a job only sends a reminder it can
-- move from scheduled to sent, so a moved meeting's old job does nothing
-- and a retried job sends nothing twice.
CREATE TABLE reminders (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meeting_id     TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    offset_minutes INTEGER NOT NULL,
    due_at         TIMESTAMPTZ NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('scheduled', 'sent', 'cancelled')),
    job_id         BIGINT,
    sent_at        TIMESTAMPTZ
);
CREATE INDEX reminders_meeting ON reminders (meeting_id);
CREATE INDEX reminders_user ON reminders (user_id, status);

CREATE TABLE reminder_prefs (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    offsets    TEXT NOT NULL,
    nudges     BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMPTZ NOT NULL
);

-- calendar_feeds holds the hash of each person's secret feed token.
CREATE TABLE calendar_feeds (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

-- circle_posts are the members-only space: notes and learning shares.
CREATE TABLE circle_posts (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id  TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    user_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX circle_posts_circle ON circle_posts (circle_id, created_at);

-- commitments are what a member means to do before the next meeting.
CREATE TABLE commitments (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id  TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    meeting_id TEXT REFERENCES meetings (id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    done_at    TIMESTAMPTZ
);
CREATE INDEX commitments_circle ON commitments (circle_id, created_at);

-- circle_departures records who left a circle, when, and the note they left
-- for the organisation's admins.
CREATE TABLE circle_departures (
    org_id    TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    note      TEXT NOT NULL DEFAULT '',
    left_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (circle_id, user_id)
);

-- nudged_at is when members were last told their circle has not met.
ALTER TABLE circles ADD COLUMN nudged_at TIMESTAMPTZ;
-- calendar_sequence is the last iCalendar SEQUENCE sent for the circle's
-- series, kept when a schedule is cleared so that a later one is newer in
-- every calendar.
ALTER TABLE circles ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE circles DROP COLUMN calendar_sequence;
ALTER TABLE circles DROP COLUMN nudged_at;
DROP TABLE circle_departures;
DROP TABLE commitments;
DROP TABLE circle_posts;
DROP TABLE calendar_feeds;
DROP TABLE reminder_prefs;
DROP TABLE reminders;
DROP TABLE meetings;
DROP TABLE schedules;
DROP TABLE agreement_consents;
DROP TABLE agreement_versions;
DROP TABLE ground_rule_acks;
DROP TABLE ground_rules;
