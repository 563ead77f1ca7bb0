-- +goose Up
-- round_counts keeps, for each round, how many of its circles are in each
-- status and how many members they hold, kept by triggers on circles, so
-- that a round's review reads a handful of rows rather than counting its
-- thousand circles on every request. The members of a circle are its
-- size, which the triggers on circle_members keep.
CREATE TABLE round_counts (
    round_id TEXT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    status   TEXT NOT NULL,
    org_id   TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circles  INTEGER NOT NULL DEFAULT 0,
    members  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, status)
) WITHOUT ROWID;
INSERT INTO round_counts (round_id, status, org_id, circles, members)
SELECT round_id, status, org_id, COUNT(*), SUM(size) FROM circles WHERE round_id IS NOT NULL GROUP BY round_id, status, org_id;

-- +goose StatementBegin
CREATE TRIGGER circles_counted AFTER INSERT ON circles WHEN NEW.round_id IS NOT NULL BEGIN
    INSERT INTO round_counts (round_id, status, org_id, circles, members) VALUES (NEW.round_id, NEW.status, NEW.org_id, 1, NEW.size)
        ON CONFLICT (round_id, status) DO UPDATE SET circles = circles + 1, members = members + excluded.members;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circles_uncounted AFTER DELETE ON circles WHEN OLD.round_id IS NOT NULL BEGIN
    UPDATE round_counts SET circles = circles - 1, members = members - OLD.size WHERE round_id = OLD.round_id AND status = OLD.status;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circles_recounted AFTER UPDATE OF round_id, status, size ON circles BEGIN
    UPDATE round_counts SET circles = circles - 1, members = members - OLD.size WHERE round_id = OLD.round_id AND status = OLD.status;
    INSERT INTO round_counts (round_id, status, org_id, circles, members) SELECT NEW.round_id, NEW.status, NEW.org_id, 1, NEW.size
        WHERE NEW.round_id IS NOT NULL
        ON CONFLICT (round_id, status) DO UPDATE SET circles = circles + 1, members = members + excluded.members;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER circles_recounted;
DROP TRIGGER circles_uncounted;
DROP TRIGGER circles_counted;
DROP TABLE round_counts;
