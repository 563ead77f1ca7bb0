-- +goose Up
-- Spreading the practice: members and leaders invite colleagues to a
-- program's opt-in, and leaders may show that they take part in a circle.

-- team_invitations: a colleague invited to a program's opt-in, once per
-- program whoever invites them; an ask to the admins to open a program
-- (when none is open) has neither program nor invitee.
CREATE TABLE team_invitations (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    inviter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    program_id TEXT REFERENCES programs (id) ON DELETE CASCADE,
    invitee_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, program_id, invitee_id)
);
CREATE INDEX team_invitations_inviter ON team_invitations (org_id, inviter_id, created_at);

-- guests are counted by who invited them, for the inviter's own page.
CREATE INDEX guests_invited_by ON guests (org_id, invited_by);

-- circle_shown: a leader chose to show colleagues that they take part in
-- a peer-coaching circle (never which); no row, not shown.
CREATE TABLE circle_shown (
    org_id  TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, user_id)
);

-- +goose Down
DROP TABLE circle_shown;
DROP INDEX guests_invited_by;
DROP TABLE team_invitations;
