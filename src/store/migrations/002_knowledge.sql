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
