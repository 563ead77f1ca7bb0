-- +goose Up
-- round_counts keeps, for each round, how many of its circles are in each
-- status and how many members they hold, kept by a trigger on circles, so
-- that a round's review reads a handful of rows rather than counting its
-- thousand circles on every request. The members of a circle are its
-- size, which the trigger on circle_members keeps.
CREATE TABLE round_counts (
    round_id TEXT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    status   TEXT NOT NULL,
    org_id   TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    circles  INTEGER NOT NULL DEFAULT 0,
    members  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, status)
);
INSERT INTO round_counts (round_id, status, org_id, circles, members)
SELECT round_id, status, org_id, COUNT(*), SUM(size) FROM circles WHERE round_id IS NOT NULL GROUP BY round_id, status, org_id;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_round_circles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.round_id IS NOT NULL THEN
        UPDATE round_counts SET circles = circles - 1, members = members - OLD.size
            WHERE round_id = OLD.round_id AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.round_id IS NOT NULL THEN
        INSERT INTO round_counts (round_id, status, org_id, circles, members) VALUES (NEW.round_id, NEW.status, NEW.org_id, 1, NEW.size)
            ON CONFLICT (round_id, status) DO UPDATE SET circles = round_counts.circles + 1, members = round_counts.members + EXCLUDED.members;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER circles_counted AFTER INSERT OR DELETE OR UPDATE OF round_id, status, size ON circles
    FOR EACH ROW EXECUTE FUNCTION count_round_circles();

-- +goose Down
DROP TRIGGER circles_counted ON circles;
DROP FUNCTION count_round_circles();
DROP TABLE round_counts;
