-- The whole current schema of synaptiq.db (schema version 6).
-- Migrations in src/store/migrations/ produce exactly this; a test checks it.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE admin_token (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    token_hash  BLOB NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    name          TEXT NOT NULL,
    tier          TEXT NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
    prefix        TEXT NOT NULL,
    key_hash      BLOB NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
) STRICT;
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, id);

CREATE TABLE leads (
    id                   TEXT PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants (id),
    name                 TEXT NOT NULL,
    email                TEXT NOT NULL,
    -- trimmed, lowercased email: one lead per address in a tenant
    email_key            TEXT NOT NULL,
    phone                TEXT,
    company              TEXT,
    status               TEXT NOT NULL CHECK (status IN
                           ('new', 'qualifying', 'qualified', 'booked', 'disqualified', 'nurturing')),
    qualification_score  INTEGER NOT NULL CHECK (qualification_score BETWEEN 0 AND 100),
    qualification        TEXT,
    metadata             TEXT NOT NULL,
    source               TEXT NOT NULL CHECK (source IN ('widget', 'api', 'import')),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (tenant_id, email_key)
) STRICT;
CREATE INDEX leads_by_tenant ON leads (tenant_id, id);
CREATE INDEX leads_by_status ON leads (tenant_id, status, id);

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

-- Every write to a searchable item appends here in its own transaction; each search index
-- follows the rows of its kind and stores the last sequence it committed.
CREATE TABLE search_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('lead', 'document')),
    tenant_id  TEXT NOT NULL,
    item_id    TEXT NOT NULL
) STRICT;
CREATE INDEX search_changes_by_kind ON search_changes (kind, seq);

-- The outbox: one row per event, written with the change that caused it. lead_id names the
-- lead the event is about (its data export and erasure find the lead's events by it); it was
-- added by ALTER TABLE, which is why SQLite stores it on that odd last line.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    type        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  INTEGER NOT NULL
, lead_id TEXT) STRICT;
CREATE INDEX events_by_tenant ON events (tenant_id, id);
CREATE INDEX events_by_lead ON events (tenant_id, lead_id) WHERE lead_id IS NOT NULL;

CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    title         TEXT NOT NULL,
    type          TEXT NOT NULL CHECK (type IN ('faq', 'article', 'product', 'policy', 'other')),
    format        TEXT NOT NULL CHECK (format IN ('pdf', 'docx', 'html', 'markdown', 'text', 'json')),
    size_bytes    INTEGER NOT NULL,
    -- SHA-256 of the uploaded bytes, hex: one copy of a file per tenant
    content_hash  TEXT NOT NULL,
    text          TEXT NOT NULL,
    chunk_count   INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (tenant_id, content_hash)
) STRICT;
CREATE INDEX documents_by_tenant ON documents (tenant_id, id);

CREATE TABLE chunks (
    document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    tenant_id    TEXT NOT NULL,
    -- the headings above the chunk, outermost first, joined with ' › '
    heading      TEXT NOT NULL,
    text         TEXT NOT NULL,
    -- for a question/answer chunk: the answer alone
    answer       TEXT,
    PRIMARY KEY (document_id, position)
) STRICT, WITHOUT ROWID;

-- Each tenant's settings as one validated JSON document (agent, widget, qualification, availability).
CREATE TABLE tenant_settings (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants (id),
    settings    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

-- context: where the visitor is (zone, language, pages, UTM); handoff: a person was asked
-- for (both JSON; added by migration 009, hence their place)
CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    visitor_id       TEXT NOT NULL,
    -- erasing a lead erases its conversations (GDPR)
    lead_id          TEXT REFERENCES leads (id) ON DELETE CASCADE,
    channel          TEXT NOT NULL CHECK (channel IN ('web_chat')),
    status           TEXT NOT NULL CHECK (status IN ('active', 'completed')),
    summary          TEXT,
    message_count    INTEGER NOT NULL,
    -- the agent's memory of this conversation (JSON)
    state            TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
, context TEXT, handoff TEXT) STRICT;
CREATE INDEX conversations_by_tenant ON conversations (tenant_id, id);
CREATE INDEX conversations_by_lead ON conversations (tenant_id, lead_id, id);
CREATE INDEX conversations_by_visitor ON conversations (tenant_id, visitor_id, id);
CREATE INDEX conversations_idle ON conversations (status, updated_at);

-- `incomplete` (appended by migration 006): a reply cut off mid-stream, kept as far as it arrived.
CREATE TABLE messages (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content          TEXT NOT NULL,
    created_at       INTEGER NOT NULL
    , incomplete INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0, 1))) STRICT;
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

CREATE TABLE meetings (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    lead_id          TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    conversation_id  TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    starts_at        INTEGER NOT NULL,
    ends_at          INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    created_at       INTEGER NOT NULL,
    cancelled_at     INTEGER
) STRICT;
-- A slot is booked at most once: the database, not the code, settles a race.
CREATE UNIQUE INDEX meetings_one_per_slot ON meetings (tenant_id, starts_at) WHERE status = 'booked';
CREATE INDEX meetings_by_tenant ON meetings (tenant_id, starts_at);
CREATE INDEX meetings_by_lead ON meetings (tenant_id, lead_id);

-- Analytics counters. Triggers keep them exact on every insert, update and delete (cascades
-- included), so each analytics read touches a few counter rows, never a tenant's leads.

-- Leads per status, source and score bucket: at most 6 × 3 × 10 rows per tenant.
CREATE TABLE lead_counts (
    tenant_id     TEXT NOT NULL,
    status        TEXT NOT NULL,
    source        TEXT NOT NULL,
    -- qualification_score / 10, with 100 in bucket 9
    score_bucket  INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, status, source, score_bucket)
) STRICT, WITHOUT ROWID;

-- Leads created per UTC quarter hour (slot = created_at / 900000). Every zone's offset is a
-- whole number of quarter hours (+05:45, +12:45 included), so a local day is an exact run of
-- slots: 96 rows a day at most, whatever the number of leads.
CREATE TABLE lead_creations (
    tenant_id  TEXT NOT NULL,
    slot       INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, slot)
) STRICT, WITHOUT ROWID;

-- Conversations per tenant and the sum of their message counts.
CREATE TABLE conversation_counts (
    tenant_id      TEXT PRIMARY KEY,
    conversations  INTEGER NOT NULL,
    messages       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER lead_counts_insert AFTER INSERT ON leads BEGIN
    INSERT INTO lead_counts (tenant_id, status, source, score_bucket, n)
    VALUES (new.tenant_id, new.status, new.source, min(new.qualification_score / 10, 9), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO lead_creations (tenant_id, slot, n)
    VALUES (new.tenant_id, new.created_at / 900000, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- The app rewrites every column on each update; the WHEN clause skips untouched counters.
CREATE TRIGGER lead_counts_update
AFTER UPDATE OF tenant_id, status, source, qualification_score ON leads
WHEN old.tenant_id IS NOT new.tenant_id OR old.status IS NOT new.status
  OR old.source IS NOT new.source
  OR min(old.qualification_score / 10, 9) IS NOT min(new.qualification_score / 10, 9)
BEGIN
    UPDATE lead_counts SET n = n - 1
     WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source
       AND score_bucket = min(old.qualification_score / 10, 9);
    INSERT INTO lead_counts (tenant_id, status, source, score_bucket, n)
    VALUES (new.tenant_id, new.status, new.source, min(new.qualification_score / 10, 9), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER lead_creations_update AFTER UPDATE OF tenant_id, created_at ON leads
WHEN old.tenant_id IS NOT new.tenant_id OR old.created_at / 900000 IS NOT new.created_at / 900000
BEGIN
    UPDATE lead_creations SET n = n - 1
     WHERE tenant_id = old.tenant_id AND slot = old.created_at / 900000;
    INSERT INTO lead_creations (tenant_id, slot, n)
    VALUES (new.tenant_id, new.created_at / 900000, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER lead_counts_delete AFTER DELETE ON leads BEGIN
    UPDATE lead_counts SET n = n - 1
     WHERE tenant_id = old.tenant_id AND status = old.status AND source = old.source
       AND score_bucket = min(old.qualification_score / 10, 9);
    UPDATE lead_creations SET n = n - 1
     WHERE tenant_id = old.tenant_id AND slot = old.created_at / 900000;
END;

CREATE TRIGGER conversation_counts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_counts (tenant_id, conversations, messages)
    VALUES (new.tenant_id, 1, new.message_count)
    ON CONFLICT DO UPDATE SET conversations = conversations + 1,
                              messages = messages + excluded.messages;
END;

CREATE TRIGGER conversation_counts_update
AFTER UPDATE OF tenant_id, message_count ON conversations
WHEN old.tenant_id IS NOT new.tenant_id OR old.message_count IS NOT new.message_count
BEGIN
    UPDATE conversation_counts
       SET conversations = conversations - 1, messages = messages - old.message_count
     WHERE tenant_id = old.tenant_id;
    INSERT INTO conversation_counts (tenant_id, conversations, messages)
    VALUES (new.tenant_id, 1, new.message_count)
    ON CONFLICT DO UPDATE SET conversations = conversations + 1,
                              messages = messages + excluded.messages;
END;

-- Fires for conversations erased with their lead (ON DELETE CASCADE) too.
CREATE TRIGGER conversation_counts_delete AFTER DELETE ON conversations BEGIN
    UPDATE conversation_counts
       SET conversations = conversations - 1, messages = messages - old.message_count
     WHERE tenant_id = old.tenant_id;
END;

-- Webhook endpoints. The secret signs every delivery, so it is stored as is (the data dir is
-- mode 0700); after a rotation the previous one keeps signing until it expires.
CREATE TABLE webhooks (
    id                          TEXT PRIMARY KEY,
    tenant_id                   TEXT NOT NULL REFERENCES tenants (id),
    url                         TEXT NOT NULL,
    -- JSON array of event names, or ["*"]
    events                      TEXT NOT NULL,
    description                 TEXT,
    enabled                     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    disabled_reason             TEXT,
    secret                      TEXT NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  INTEGER,
    -- the first failure since the last success; 5 days of failures disable the webhook
    failing_since               INTEGER,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
) STRICT;
CREATE INDEX webhooks_by_tenant ON webhooks (tenant_id, id);

-- One event for one webhook. The id is the idempotency key receivers see on every attempt.
CREATE TABLE webhook_deliveries (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL,
    webhook_id        TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id          TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    event             TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dropped')),
    -- attempts made in all
    attempts          INTEGER NOT NULL,
    -- failed attempts in the current retry schedule (a manual retry starts a new one)
    step              INTEGER NOT NULL,
    next_attempt_at   INTEGER,
    last_status_code  INTEGER,
    last_error        TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
-- The log filtered by status (dropped deliveries to replay, pending ones to drop).
CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (webhook_id, status, id);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);

-- Every attempt, with what the receiver answered (the body cut at 4 KiB).
CREATE TABLE webhook_attempts (
    delivery_id    TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    started_at     INTEGER NOT NULL,
    duration_ms    INTEGER NOT NULL,
    status_code    INTEGER,
    error          TEXT,
    response_body  TEXT,
    PRIMARY KEY (delivery_id, number)
) STRICT, WITHOUT ROWID;

-- One row per chat turn the model was asked to answer.
CREATE TABLE llm_turns (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    -- usage is not personal data: it outlives a conversation erased with its lead
    conversation_id  TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    provider         TEXT NOT NULL CHECK (provider IN ('openai', 'anthropic')),
    model            TEXT NOT NULL,
    tokens_in        INTEGER NOT NULL,
    tokens_out       INTEGER NOT NULL,
    -- requests sent to the model: one per step of the tool loop
    requests         INTEGER NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('complete', 'incomplete', 'failed')),
    created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX llm_turns_by_conversation ON llm_turns (conversation_id);

-- Turns and tokens per UTC quarter hour (slot = created_at / 900000, as lead_creations) and
-- model, kept by a trigger: a day of analytics reads at most 96 rows per model.
CREATE TABLE llm_usage (
    tenant_id     TEXT NOT NULL,
    slot          INTEGER NOT NULL,
    model         TEXT NOT NULL,
    turns         INTEGER NOT NULL,
    failed_turns  INTEGER NOT NULL,
    tokens_in     INTEGER NOT NULL,
    tokens_out    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, slot, model)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER llm_usage_insert AFTER INSERT ON llm_turns BEGIN
    INSERT INTO llm_usage (tenant_id, slot, model, turns, failed_turns, tokens_in, tokens_out)
    VALUES (new.tenant_id, new.created_at / 900000, new.model, 1, new.outcome <> 'complete',
            new.tokens_in, new.tokens_out)
    ON CONFLICT DO UPDATE SET turns = turns + 1,
                              failed_turns = failed_turns + excluded.failed_turns,
                              tokens_in = tokens_in + excluded.tokens_in,
                              tokens_out = tokens_out + excluded.tokens_out;
END;
