-- +goose Up
-- topics are an organisation's vocabulary of learning goals, curated by
-- its admins.
CREATE TABLE topics (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, name)
);

CREATE TABLE programs (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    purpose         TEXT NOT NULL DEFAULT '',
    format          TEXT NOT NULL CHECK (format IN ('pair', 'group')),
    min_size        INTEGER NOT NULL,
    max_size        INTEGER NOT NULL,
    cadence         TEXT NOT NULL CHECK (cadence IN ('weekly', 'fortnightly', 'monthly')),
    session_minutes INTEGER NOT NULL,
    protocol        TEXT NOT NULL CHECK (protocol IN ('council', 'forum', 'pair')),
    opt_in_opens    TIMESTAMPTZ NOT NULL,
    opt_in_closes   TIMESTAMPTZ NOT NULL,
    allow_repeat    BOOLEAN NOT NULL DEFAULT FALSE,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX programs_org ON programs (org_id, created_at);

-- opt_ins hold each person's voluntary enrolment. prefer and avoid (JSON
-- lists of user ids) are private to the person and the matching.
CREATE TABLE opt_ins (
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    program_id   TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topics       TEXT NOT NULL DEFAULT '[]',
    goals        TEXT NOT NULL DEFAULT '',
    availability TEXT NOT NULL DEFAULT '[]',
    format_pref  TEXT NOT NULL DEFAULT 'either',
    prefer       TEXT NOT NULL DEFAULT '[]',
    avoid        TEXT NOT NULL DEFAULT '[]',
    snoozed      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (program_id, user_id)
);
CREATE INDEX opt_ins_org ON opt_ins (org_id, program_id);

CREATE TABLE rounds (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    program_id  TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (program_id, number)
);

-- circles are the groups and pairs a round proposes; a circle becomes
-- active when every member has accepted.
CREATE TABLE circles (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    program_id   TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    round_id     TEXT REFERENCES rounds (id) ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('proposed', 'pending', 'active', 'dissolved')),
    origin       TEXT NOT NULL DEFAULT 'matching' CHECK (origin IN ('matching', 'invitation')),
    score        DOUBLE PRECISION NOT NULL DEFAULT 0,
    reasons      TEXT NOT NULL DEFAULT '[]',
    slots        TEXT NOT NULL DEFAULT '[]',
    created_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    activated_at TIMESTAMPTZ
);
CREATE INDEX circles_org_program ON circles (org_id, program_id, status);

CREATE TABLE circle_members (
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id    TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    response     TEXT NOT NULL DEFAULT 'pending' CHECK (response IN ('pending', 'accepted', 'declined')),
    responded_at TIMESTAMPTZ,
    PRIMARY KEY (circle_id, user_id)
);
CREATE INDEX circle_members_user ON circle_members (org_id, user_id);

-- unmatched records who a round's matching could not place, and why.
CREATE TABLE unmatched (
    org_id   TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    round_id TEXT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason   TEXT NOT NULL,
    PRIMARY KEY (round_id, user_id)
);

-- decline_reasons are counted for admins without saying whose they are:
-- the row carries no person.
CREATE TABLE decline_reasons (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    program_id TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    count      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, reason)
);

-- pair_invitations let a member of a pair program ask a colleague directly.
CREATE TABLE pair_invitations (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    program_id  TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    from_user   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_user     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
    created_at  TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ
);
CREATE INDEX pair_invitations_to ON pair_invitations (org_id, to_user, status);

-- +goose Down
DROP TABLE pair_invitations;
DROP TABLE decline_reasons;
DROP TABLE unmatched;
DROP TABLE circle_members;
DROP TABLE circles;
DROP TABLE rounds;
DROP TABLE opt_ins;
DROP TABLE programs;
DROP TABLE topics;
