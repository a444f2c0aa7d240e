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
