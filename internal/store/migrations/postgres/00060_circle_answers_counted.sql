-- +goose Up
-- A circle keeps how many of its members said yes (accepted), how many
-- said no and left its proposal (declined) and how many left it since
-- (departed), kept by triggers like its size: the dashboard adds them up
-- over every circle of a period, and every read of a circle shows its
-- declines, without counting three tables for each circle.
ALTER TABLE circles ADD COLUMN accepted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE circles ADD COLUMN declined INTEGER NOT NULL DEFAULT 0;
ALTER TABLE circles ADD COLUMN departed INTEGER NOT NULL DEFAULT 0;
UPDATE circles SET accepted = (SELECT COUNT(*) FROM circle_members m WHERE m.circle_id = circles.id AND m.response = 'accepted'),
    declined = (SELECT COUNT(*) FROM circle_declines d WHERE d.circle_id = circles.id),
    departed = (SELECT COUNT(*) FROM circle_departures d WHERE d.circle_id = circles.id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_circle_acceptances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.response = 'accepted' THEN
        UPDATE circles SET accepted = accepted - 1 WHERE id = OLD.circle_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.response = 'accepted' THEN
        UPDATE circles SET accepted = accepted + 1 WHERE id = NEW.circle_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_circle_declines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE circles SET declined = declined + 1 WHERE id = NEW.circle_id;
    ELSE
        UPDATE circles SET declined = declined - 1 WHERE id = OLD.circle_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_circle_departures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE circles SET departed = departed + 1 WHERE id = NEW.circle_id;
    ELSE
        UPDATE circles SET departed = departed - 1 WHERE id = OLD.circle_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER circle_members_accepted AFTER INSERT OR DELETE OR UPDATE OF circle_id, response ON circle_members
    FOR EACH ROW EXECUTE FUNCTION count_circle_acceptances();
CREATE TRIGGER circle_declines_counted AFTER INSERT OR DELETE ON circle_declines
    FOR EACH ROW EXECUTE FUNCTION count_circle_declines();
CREATE TRIGGER circle_departures_counted AFTER INSERT OR DELETE ON circle_departures
    FOR EACH ROW EXECUTE FUNCTION count_circle_departures();

-- +goose Down
DROP TRIGGER circle_departures_counted ON circle_departures;
DROP TRIGGER circle_declines_counted ON circle_declines;
DROP TRIGGER circle_members_accepted ON circle_members;
DROP FUNCTION count_circle_departures();
DROP FUNCTION count_circle_declines();
DROP FUNCTION count_circle_acceptances();
ALTER TABLE circles DROP COLUMN departed;
ALTER TABLE circles DROP COLUMN declined;
ALTER TABLE circles DROP COLUMN accepted;
