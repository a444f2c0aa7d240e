-- Each tenant's settings as one validated JSON document (agent, widget, qualification, availability).
CREATE TABLE tenant_settings (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants (id),
    settings    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

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
) STRICT;
CREATE INDEX conversations_by_tenant ON conversations (tenant_id, id);
CREATE INDEX conversations_by_lead ON conversations (tenant_id, lead_id, id);
CREATE INDEX conversations_by_visitor ON conversations (tenant_id, visitor_id, id);
CREATE INDEX conversations_idle ON conversations (status, updated_at);

CREATE TABLE messages (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content          TEXT NOT NULL,
    created_at       INTEGER NOT NULL
) STRICT;
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
