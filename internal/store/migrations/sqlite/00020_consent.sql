-- +goose Up
-- circle_declines keeps who declined a proposed circle that went on
-- without them. They are no longer its members, but they are not proposed
-- to its people again, and their matches page says where they stand.
CREATE TABLE circle_declines (
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id   TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    declined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (circle_id, user_id)
);
CREATE INDEX circle_declines_user ON circle_declines (org_id, user_id);

-- told_at is when someone a round left out was told so: when the round
-- was published. A re-match writes the round's list again, untold.
ALTER TABLE unmatched ADD COLUMN told_at TIMESTAMP;
CREATE INDEX unmatched_user ON unmatched (org_id, user_id);
