-- +goose Up
-- agreement_comments are members' words on a proposed version of their
-- circle's working agreement ("I'd rather…"), which the others read before
-- they consent. They stay with the version, readable after it is adopted
-- or withdrawn; like everything inside a circle only its members see them.
CREATE TABLE agreement_comments (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    user_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (circle_id, version) REFERENCES agreement_versions (circle_id, version) ON DELETE CASCADE
);
-- The agreement page lists a circle's comments in the order they were made.
CREATE INDEX agreement_comments_circle ON agreement_comments (org_id, circle_id, created_at, id);

-- +goose Down
DROP TABLE agreement_comments;
