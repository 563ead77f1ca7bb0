-- +goose Up
-- learning_cards: a short "what I learned" a member writes (never the case
-- itself). audience widens one step at a time with the author's consent:
-- 'draft' (the author alone), 'circle', 'program', 'org'; withdrawing sets
-- it back to 'draft'. program_id is the circle's program, copied so that a
-- program's cards are one indexed read. released_at is when the card
-- reached its present audience; version guards every change.
CREATE TABLE learning_cards (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id   TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    program_id  TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    audience    TEXT NOT NULL CHECK (audience IN ('draft', 'circle', 'program', 'org')),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    released_at TIMESTAMP
);
CREATE INDEX learning_cards_author ON learning_cards (org_id, author_id, updated_at);
CREATE INDEX learning_cards_circle ON learning_cards (circle_id, audience, released_at);
CREATE INDEX learning_cards_program ON learning_cards (program_id, audience, released_at);
CREATE INDEX learning_cards_org ON learning_cards (org_id, audience, released_at);

-- +goose Down
DROP TABLE learning_cards;
