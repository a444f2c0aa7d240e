-- Model-backed agent: what each turn cost, and replies whose stream was cut.

-- A reply cut off mid-stream is kept as far as it arrived, marked incomplete.
ALTER TABLE messages ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0, 1));

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
