-- Leads that may be one person: a chat visitor gave the email another lead already holds, so
-- the conversation got a lead of its own (its email_key is then its own id, outside the
-- one-lead-per-address rule) and the pair waits here for the team to merge it or not.
CREATE TABLE lead_matches (
    tenant_id   TEXT NOT NULL,
    lead_id     TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    match_id    TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (reason IN ('same_email')),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (lead_id, match_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX lead_matches_by_match ON lead_matches (match_id);
