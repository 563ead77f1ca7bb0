-- +goose Up
-- A journal is private to its owner. Each person has a data key of their
-- own, kept only wrapped (AES-GCM) by the server key named key_id, so
-- that changing the server key rewraps these rows and never touches an
-- entry.
CREATE TABLE journal_keys (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_id     TEXT NOT NULL,
    wrapped    BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
-- Rotating the server key reads the rows still wrapped by the previous one.
CREATE INDEX journal_keys_by_key ON journal_keys (key_id);

-- journal_entries hold each entry sealed under its owner's data key; only
-- the prompt's key and the times are in the clear.
CREATE TABLE journal_entries (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    prompt     TEXT NOT NULL,
    sealed     BYTEA NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX journal_entries_timeline ON journal_entries (org_id, user_id, created_at);

-- A journal's timeline shows its owner's reflections after meetings too.
CREATE INDEX reflections_by_author ON reflections (org_id, user_id, updated_at);

-- +goose Down
DROP INDEX reflections_by_author;
DROP TABLE journal_entries;
DROP TABLE journal_keys;
