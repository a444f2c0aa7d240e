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

INSERT INTO lead_counts (tenant_id, status, source, score_bucket, n)
SELECT tenant_id, status, source, min(qualification_score / 10, 9), count(*)
  FROM leads GROUP BY 1, 2, 3, 4;

INSERT INTO lead_creations (tenant_id, slot, n)
SELECT tenant_id, created_at / 900000, count(*) FROM leads GROUP BY 1, 2;

INSERT INTO conversation_counts (tenant_id, conversations, messages)
SELECT tenant_id, count(*), sum(message_count) FROM conversations GROUP BY 1;

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
