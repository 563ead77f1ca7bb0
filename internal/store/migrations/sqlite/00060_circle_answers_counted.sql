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
CREATE TRIGGER circle_members_accepted AFTER INSERT ON circle_members WHEN NEW.response = 'accepted' BEGIN
    UPDATE circles SET accepted = accepted + 1 WHERE id = NEW.circle_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circle_members_unaccepted AFTER DELETE ON circle_members WHEN OLD.response = 'accepted' BEGIN
    UPDATE circles SET accepted = accepted - 1 WHERE id = OLD.circle_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circle_members_answered AFTER UPDATE OF circle_id, response ON circle_members
    WHEN OLD.response = 'accepted' OR NEW.response = 'accepted' BEGIN
    UPDATE circles SET accepted = accepted - 1 WHERE id = OLD.circle_id AND OLD.response = 'accepted';
    UPDATE circles SET accepted = accepted + 1 WHERE id = NEW.circle_id AND NEW.response = 'accepted';
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circle_declines_counted AFTER INSERT ON circle_declines BEGIN
    UPDATE circles SET declined = declined + 1 WHERE id = NEW.circle_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circle_declines_uncounted AFTER DELETE ON circle_declines BEGIN
    UPDATE circles SET declined = declined - 1 WHERE id = OLD.circle_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circle_departures_counted AFTER INSERT ON circle_departures BEGIN
    UPDATE circles SET departed = departed + 1 WHERE id = NEW.circle_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER circle_departures_uncounted AFTER DELETE ON circle_departures BEGIN
    UPDATE circles SET departed = departed - 1 WHERE id = OLD.circle_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER circle_departures_uncounted;
DROP TRIGGER circle_departures_counted;
DROP TRIGGER circle_declines_uncounted;
DROP TRIGGER circle_declines_counted;
DROP TRIGGER circle_members_answered;
DROP TRIGGER circle_members_unaccepted;
DROP TRIGGER circle_members_accepted;
ALTER TABLE circles DROP COLUMN departed;
ALTER TABLE circles DROP COLUMN declined;
ALTER TABLE circles DROP COLUMN accepted;
