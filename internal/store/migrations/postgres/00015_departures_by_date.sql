-- +goose Up
-- A program's page lists its latest departures: the organisation's
-- departures are read newest first, not found circle by circle.
CREATE INDEX circle_departures_org_left ON circle_departures (org_id, left_at);
