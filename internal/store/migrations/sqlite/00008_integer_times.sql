-- +goose Up
-- Times were kept as text in the driver's format
-- ('2006-01-02 15:04:05.999999999-07:00'), which it parsed with time.Parse
-- on every read. They are now integers, microseconds since 1970-01-01
-- UTC: the precision PostgreSQL keeps and the store truncates to. The
-- driver writes every time.Time so (_time_integer_format=unix_micro) and
-- reads an integer in a TIMESTAMP column back without parsing
-- (_inttotime). Integers also compare and sort as instants whatever zone
-- a time was written in, which text did only between equal offsets.
--
-- Each distinct text is converted once, into time_text: its seconds by
-- unixepoch, which honours the offset but rounds a fraction to
-- milliseconds and so is given the text without it, plus the fraction's
-- first six digits as microseconds. A text that is not a time has no
-- seconds, and time_text's NOT NULL stops the migration rather than
-- lose it.
CREATE TEMP TABLE time_text (
    t  TEXT PRIMARY KEY,
    us INTEGER NOT NULL
);

WITH texts (t) AS (
    SELECT created_at FROM orgs WHERE typeof(created_at) = 'text'
    UNION SELECT created_at FROM users WHERE typeof(created_at) = 'text'
    UNION SELECT updated_at FROM users WHERE typeof(updated_at) = 'text'
    UNION SELECT created_at FROM sessions WHERE typeof(created_at) = 'text'
    UNION SELECT expires_at FROM sessions WHERE typeof(expires_at) = 'text'
    UNION SELECT last_seen FROM sessions WHERE typeof(last_seen) = 'text'
    UNION SELECT created_at FROM api_tokens WHERE typeof(created_at) = 'text'
    UNION SELECT last_used_at FROM api_tokens WHERE typeof(last_used_at) = 'text'
    UNION SELECT created_at FROM user_links WHERE typeof(created_at) = 'text'
    UNION SELECT expires_at FROM user_links WHERE typeof(expires_at) = 'text'
    UNION SELECT used_at FROM user_links WHERE typeof(used_at) = 'text'
    UNION SELECT created_at FROM signups WHERE typeof(created_at) = 'text'
    UNION SELECT expires_at FROM signups WHERE typeof(expires_at) = 'text'
    UNION SELECT used_at FROM signups WHERE typeof(used_at) = 'text'
    UNION SELECT created_at FROM topics WHERE typeof(created_at) = 'text'
    UNION SELECT opt_in_opens FROM programs WHERE typeof(opt_in_opens) = 'text'
    UNION SELECT opt_in_closes FROM programs WHERE typeof(opt_in_closes) = 'text'
    UNION SELECT created_at FROM programs WHERE typeof(created_at) = 'text'
    UNION SELECT updated_at FROM programs WHERE typeof(updated_at) = 'text'
    UNION SELECT created_at FROM opt_ins WHERE typeof(created_at) = 'text'
    UNION SELECT updated_at FROM opt_ins WHERE typeof(updated_at) = 'text'
    UNION SELECT created_at FROM rounds WHERE typeof(created_at) = 'text'
    UNION SELECT created_at FROM circles WHERE typeof(created_at) = 'text'
    UNION SELECT published_at FROM circles WHERE typeof(published_at) = 'text'
    UNION SELECT activated_at FROM circles WHERE typeof(activated_at) = 'text'
    UNION SELECT nudged_at FROM circles WHERE typeof(nudged_at) = 'text'
    UNION SELECT responded_at FROM circle_members WHERE typeof(responded_at) = 'text'
    UNION SELECT created_at FROM pair_invitations WHERE typeof(created_at) = 'text'
    UNION SELECT answered_at FROM pair_invitations WHERE typeof(answered_at) = 'text'
    UNION SELECT created_at FROM ground_rules WHERE typeof(created_at) = 'text'
    UNION SELECT acknowledged_at FROM ground_rule_acks WHERE typeof(acknowledged_at) = 'text'
    UNION SELECT proposed_at FROM agreement_versions WHERE typeof(proposed_at) = 'text'
    UNION SELECT adopted_at FROM agreement_versions WHERE typeof(adopted_at) = 'text'
    UNION SELECT consented_at FROM agreement_consents WHERE typeof(consented_at) = 'text'
    UNION SELECT first_start FROM schedules WHERE typeof(first_start) = 'text'
    UNION SELECT updated_at FROM schedules WHERE typeof(updated_at) = 'text'
    UNION SELECT original_start FROM meetings WHERE typeof(original_start) = 'text'
    UNION SELECT starts_at FROM meetings WHERE typeof(starts_at) = 'text'
    UNION SELECT ends_at FROM meetings WHERE typeof(ends_at) = 'text'
    UNION SELECT due_at FROM reminders WHERE typeof(due_at) = 'text'
    UNION SELECT sent_at FROM reminders WHERE typeof(sent_at) = 'text'
    UNION SELECT updated_at FROM reminder_prefs WHERE typeof(updated_at) = 'text'
    UNION SELECT created_at FROM calendar_feeds WHERE typeof(created_at) = 'text'
    UNION SELECT created_at FROM circle_posts WHERE typeof(created_at) = 'text'
    UNION SELECT created_at FROM commitments WHERE typeof(created_at) = 'text'
    UNION SELECT done_at FROM commitments WHERE typeof(done_at) = 'text'
    UNION SELECT left_at FROM circle_departures WHERE typeof(left_at) = 'text'
    UNION SELECT updated_at FROM rooms WHERE typeof(updated_at) = 'text'
    UNION SELECT created_at FROM checkins WHERE typeof(created_at) = 'text'
    UNION SELECT created_at FROM offers WHERE typeof(created_at) = 'text'
    UNION SELECT updated_at FROM meeting_notes WHERE typeof(updated_at) = 'text'
    UNION SELECT created_at FROM reflections WHERE typeof(created_at) = 'text'
    UNION SELECT updated_at FROM reflections WHERE typeof(updated_at) = 'text'
    UNION SELECT created_at FROM guests WHERE typeof(created_at) = 'text'
    UNION SELECT accepted_at FROM guests WHERE typeof(accepted_at) = 'text'
    UNION SELECT created_at FROM closing_answers WHERE typeof(created_at) = 'text'
),
parts (t, zone) AS (
    SELECT t, CASE WHEN substr(t, 20, 1) = '.' THEN ltrim(substr(t, 21), '0123456789') ELSE substr(t, 20) END FROM texts
)
INSERT INTO time_text (t, us)
SELECT t, unixepoch(substr(t, 1, 19) || zone) * 1000000
    + CASE WHEN substr(t, 20, 1) = '.' THEN CAST(substr(substr(t, 21, length(t) - 20 - length(zone)) || '000000', 1, 6) AS INTEGER) ELSE 0 END
FROM parts;

UPDATE orgs SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE users SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE users SET updated_at = (SELECT us FROM time_text WHERE t = updated_at) WHERE typeof(updated_at) = 'text';
UPDATE sessions SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE sessions SET expires_at = (SELECT us FROM time_text WHERE t = expires_at) WHERE typeof(expires_at) = 'text';
UPDATE sessions SET last_seen = (SELECT us FROM time_text WHERE t = last_seen) WHERE typeof(last_seen) = 'text';
UPDATE api_tokens SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE api_tokens SET last_used_at = (SELECT us FROM time_text WHERE t = last_used_at) WHERE typeof(last_used_at) = 'text';
UPDATE user_links SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE user_links SET expires_at = (SELECT us FROM time_text WHERE t = expires_at) WHERE typeof(expires_at) = 'text';
UPDATE user_links SET used_at = (SELECT us FROM time_text WHERE t = used_at) WHERE typeof(used_at) = 'text';
UPDATE signups SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE signups SET expires_at = (SELECT us FROM time_text WHERE t = expires_at) WHERE typeof(expires_at) = 'text';
UPDATE signups SET used_at = (SELECT us FROM time_text WHERE t = used_at) WHERE typeof(used_at) = 'text';
UPDATE topics SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE programs SET opt_in_opens = (SELECT us FROM time_text WHERE t = opt_in_opens) WHERE typeof(opt_in_opens) = 'text';
UPDATE programs SET opt_in_closes = (SELECT us FROM time_text WHERE t = opt_in_closes) WHERE typeof(opt_in_closes) = 'text';
UPDATE programs SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE programs SET updated_at = (SELECT us FROM time_text WHERE t = updated_at) WHERE typeof(updated_at) = 'text';
UPDATE opt_ins SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE opt_ins SET updated_at = (SELECT us FROM time_text WHERE t = updated_at) WHERE typeof(updated_at) = 'text';
UPDATE rounds SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE circles SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE circles SET published_at = (SELECT us FROM time_text WHERE t = published_at) WHERE typeof(published_at) = 'text';
UPDATE circles SET activated_at = (SELECT us FROM time_text WHERE t = activated_at) WHERE typeof(activated_at) = 'text';
UPDATE circles SET nudged_at = (SELECT us FROM time_text WHERE t = nudged_at) WHERE typeof(nudged_at) = 'text';
UPDATE circle_members SET responded_at = (SELECT us FROM time_text WHERE t = responded_at) WHERE typeof(responded_at) = 'text';
UPDATE pair_invitations SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE pair_invitations SET answered_at = (SELECT us FROM time_text WHERE t = answered_at) WHERE typeof(answered_at) = 'text';
UPDATE ground_rules SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE ground_rule_acks SET acknowledged_at = (SELECT us FROM time_text WHERE t = acknowledged_at) WHERE typeof(acknowledged_at) = 'text';
UPDATE agreement_versions SET proposed_at = (SELECT us FROM time_text WHERE t = proposed_at) WHERE typeof(proposed_at) = 'text';
UPDATE agreement_versions SET adopted_at = (SELECT us FROM time_text WHERE t = adopted_at) WHERE typeof(adopted_at) = 'text';
UPDATE agreement_consents SET consented_at = (SELECT us FROM time_text WHERE t = consented_at) WHERE typeof(consented_at) = 'text';
UPDATE schedules SET first_start = (SELECT us FROM time_text WHERE t = first_start) WHERE typeof(first_start) = 'text';
UPDATE schedules SET updated_at = (SELECT us FROM time_text WHERE t = updated_at) WHERE typeof(updated_at) = 'text';
UPDATE meetings SET original_start = (SELECT us FROM time_text WHERE t = original_start) WHERE typeof(original_start) = 'text';
UPDATE meetings SET starts_at = (SELECT us FROM time_text WHERE t = starts_at) WHERE typeof(starts_at) = 'text';
UPDATE meetings SET ends_at = (SELECT us FROM time_text WHERE t = ends_at) WHERE typeof(ends_at) = 'text';
UPDATE reminders SET due_at = (SELECT us FROM time_text WHERE t = due_at) WHERE typeof(due_at) = 'text';
UPDATE reminders SET sent_at = (SELECT us FROM time_text WHERE t = sent_at) WHERE typeof(sent_at) = 'text';
UPDATE reminder_prefs SET updated_at = (SELECT us FROM time_text WHERE t = updated_at) WHERE typeof(updated_at) = 'text';
UPDATE calendar_feeds SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE circle_posts SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE commitments SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE commitments SET done_at = (SELECT us FROM time_text WHERE t = done_at) WHERE typeof(done_at) = 'text';
UPDATE circle_departures SET left_at = (SELECT us FROM time_text WHERE t = left_at) WHERE typeof(left_at) = 'text';
UPDATE rooms SET updated_at = (SELECT us FROM time_text WHERE t = updated_at) WHERE typeof(updated_at) = 'text';
UPDATE checkins SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE offers SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE meeting_notes SET updated_at = (SELECT us FROM time_text WHERE t = updated_at) WHERE typeof(updated_at) = 'text';
UPDATE reflections SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE reflections SET updated_at = (SELECT us FROM time_text WHERE t = updated_at) WHERE typeof(updated_at) = 'text';
UPDATE guests SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';
UPDATE guests SET accepted_at = (SELECT us FROM time_text WHERE t = accepted_at) WHERE typeof(accepted_at) = 'text';
UPDATE closing_answers SET created_at = (SELECT us FROM time_text WHERE t = created_at) WHERE typeof(created_at) = 'text';

DROP TABLE time_text;
