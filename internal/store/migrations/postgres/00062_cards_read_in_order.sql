-- +goose Up
-- Each list of learning cards reads its cards newest first (by when they
-- were released, or changed for an author's own), then by id, from an
-- index kept in that order: a page reads its own cards and one more. The
-- indexes of migration 30 name one audience at a time, so a program's
-- list (released to the program or to everyone) and the organisation's
-- sorted every card released so far to find the newest.
CREATE INDEX learning_cards_circle_read ON learning_cards (circle_id, released_at, id) WHERE audience IN ('circle', 'program', 'org');
CREATE INDEX learning_cards_program_read ON learning_cards (program_id, released_at, id) WHERE audience IN ('program', 'org');
CREATE INDEX learning_cards_org_read ON learning_cards (org_id, released_at, id) WHERE audience = 'org';
DROP INDEX learning_cards_author;
CREATE INDEX learning_cards_author ON learning_cards (org_id, author_id, updated_at, id);

-- +goose Down
DROP INDEX learning_cards_author;
CREATE INDEX learning_cards_author ON learning_cards (org_id, author_id, updated_at);
DROP INDEX learning_cards_org_read;
DROP INDEX learning_cards_program_read;
DROP INDEX learning_cards_circle_read;
