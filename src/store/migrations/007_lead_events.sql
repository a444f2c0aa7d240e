-- Which lead an event is about, so a lead's events are found by index: for its data export
-- and for its erasure (the copies of an erased lead in earlier events go with it).
ALTER TABLE events ADD COLUMN lead_id TEXT;
UPDATE events SET lead_id = coalesce(
    json_extract(payload, '$.data.lead.id'),
    json_extract(payload, '$.data.leadId'),
    CASE WHEN type LIKE 'lead.%' THEN json_extract(payload, '$.data.id') END
);
CREATE INDEX events_by_lead ON events (tenant_id, lead_id) WHERE lead_id IS NOT NULL;
