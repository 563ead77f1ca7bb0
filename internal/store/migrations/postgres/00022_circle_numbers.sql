-- +goose Up
-- A round's circles keep the number they were proposed under ("Circle 4")
-- through every move, so that an admin moving someone to circle 4 reaches
-- the circle they just saw. Numbers are handed out when a circle is
-- proposed and never recomputed; a circle emptied by moves leaves a gap.
ALTER TABLE circles ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
-- The most a circle's members could score together (every topic shared,
-- departments all different, everyone asking for everyone), kept beside
-- the score so the review can say what the score is out of.
ALTER TABLE circles ADD COLUMN max_score DOUBLE PRECISION NOT NULL DEFAULT 0;
-- A round's draft changes as a whole (moves, publishing, a new proposal):
-- each change is applied only if the draft is still the version it was
-- decided on.
ALTER TABLE rounds ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- Circles proposed before numbers were kept get the number their position
-- gave them.
UPDATE circles SET number = (SELECT COUNT(*) FROM circles o
    WHERE o.org_id = circles.org_id AND o.round_id = circles.round_id
      AND (o.created_at < circles.created_at OR (o.created_at = circles.created_at AND o.id <= circles.id)))
WHERE round_id IS NOT NULL;
DROP INDEX circles_org_round;
CREATE INDEX circles_org_round ON circles (org_id, round_id, number, id);
