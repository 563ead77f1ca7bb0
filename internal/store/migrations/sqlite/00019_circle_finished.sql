-- +goose Up
-- finished_at is when a circle's program closed around it: its meetings
-- ahead were cancelled and its members thanked. The circle stays active,
-- so that its members keep what they wrote together, but nothing new is
-- scheduled.
ALTER TABLE circles ADD COLUMN finished_at TIMESTAMP;
