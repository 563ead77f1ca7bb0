-- +goose Up
-- shown is the count of a decline reason that admins see. It catches up
-- with count only once at least three declines are not yet shown, so a
-- change in what admins see never comes from one person's answer: who
-- declined just now cannot be tied to a reason by watching the counts.
ALTER TABLE decline_reasons ADD COLUMN shown INTEGER NOT NULL DEFAULT 0;
UPDATE decline_reasons SET shown = count
WHERE program_id IN (SELECT program_id FROM decline_reasons GROUP BY program_id HAVING SUM(count) >= 3);

-- +goose Down
ALTER TABLE decline_reasons DROP COLUMN shown;
