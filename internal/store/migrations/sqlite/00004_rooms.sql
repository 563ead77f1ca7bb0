-- +goose Up
-- rooms hold the live state of a meeting while it runs and after: the
-- agenda position, the timer and who holds which role, as JSON written by
-- package room, with a version that every change bumps (a change based on
-- an older version is refused, so two timekeepers pressing at once cannot
-- corrupt it). seq counts every change to the room, its notes, offers and
-- check-ins included; it orders what open room pages receive.
CREATE TABLE rooms (
    meeting_id TEXT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id  TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    seq        INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);

-- checkins are each member's check-in at a meeting; a row means they were
-- there (attendance is taken at check-in).
CREATE TABLE checkins (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mood       TEXT NOT NULL DEFAULT '',
    wins       TEXT NOT NULL DEFAULT '',
    tabled     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

-- offers are counsel given to a presenter: short notes the presenter, and
-- only the presenter, may turn into their own commitments.
CREATE TABLE offers (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meeting_id   TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    presenter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    author_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX offers_meeting ON offers (meeting_id, created_at);

-- meeting_notes is the shared, members-only note of a meeting.
CREATE TABLE meeting_notes (
    meeting_id TEXT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A commitment may come from an offer, and is reviewed at the owner's
-- next check-in: done, partly or not yet, and what they learned.
ALTER TABLE commitments ADD COLUMN offer_id TEXT REFERENCES offers (id) ON DELETE SET NULL;
ALTER TABLE commitments ADD COLUMN progress TEXT NOT NULL DEFAULT '';
ALTER TABLE commitments ADD COLUMN learned TEXT NOT NULL DEFAULT '';

-- reflections are private to their author: sealed with AES-GCM under the
-- instance's key before they reach the database.
CREATE TABLE reflections (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sealed     BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, user_id)
);

-- guests are colleagues from elsewhere in the organisation invited to
-- observe one meeting: after accepting the ground rules they see that
-- meeting's room while it runs, and nothing else of the circle.
CREATE TABLE guests (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circle_id   TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    meeting_id  TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invited_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    UNIQUE (meeting_id, user_id)
);

-- room_settings is a circle's own meeting format (protocol and step
-- lengths) as JSON written by package room; empty means the program's
-- protocol with the book's timings.
ALTER TABLE circles ADD COLUMN room_settings TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE circles DROP COLUMN room_settings;
DROP TABLE guests;
DROP TABLE reflections;
ALTER TABLE commitments DROP COLUMN learned;
ALTER TABLE commitments DROP COLUMN progress;
ALTER TABLE commitments DROP COLUMN offer_id;
DROP TABLE meeting_notes;
DROP TABLE offers;
DROP TABLE checkins;
DROP TABLE rooms;
