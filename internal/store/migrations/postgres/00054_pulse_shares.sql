-- +goose Up
-- A circle may choose to show its own pulse to its program's admins. It
-- has chosen when every current member agreed: pulse_shares holds each
-- member's agreement, and goes with the membership when a member leaves,
-- so a newcomer's voice is needed again.
CREATE TABLE pulse_shares (
    circle_id TEXT NOT NULL,
    org_id    TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (circle_id, user_id),
    FOREIGN KEY (circle_id, user_id) REFERENCES circle_members (circle_id, user_id) ON DELETE CASCADE
);
CREATE INDEX pulse_shares_org ON pulse_shares (org_id, circle_id);

-- +goose Down
DROP TABLE pulse_shares;
