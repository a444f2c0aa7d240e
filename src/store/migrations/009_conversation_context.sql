-- Where the visitor is (time zone, language, pages seen, UTM) and whether they asked for a
-- person: JSON, shown to the team with the conversation.
ALTER TABLE conversations ADD COLUMN context TEXT;
ALTER TABLE conversations ADD COLUMN handoff TEXT;
