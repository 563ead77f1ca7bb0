-- +goose Up
-- version counts the changes to a circle: every change that locks the
-- circle raises it, so that a change planned from one version (its
-- meetings, members and reminders) applies only if nothing changed since.
ALTER TABLE circles ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
