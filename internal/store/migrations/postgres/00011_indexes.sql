-- +goose Up
-- Indexes for reads that scanned a table growing with an organisation
-- (TestQueryPlans finds them): a round's circles, the circles the hourly
-- upkeep visits, a person's pair invitations (sent as well as received),
-- whether an offer was taken, and the programs a person opted in to.
CREATE INDEX circles_org_round ON circles (org_id, round_id);
CREATE INDEX circles_status ON circles (status, org_id, id);
CREATE INDEX pair_invitations_from ON pair_invitations (org_id, from_user);
CREATE INDEX commitments_offer ON commitments (offer_id);
CREATE INDEX opt_ins_user ON opt_ins (org_id, user_id);
