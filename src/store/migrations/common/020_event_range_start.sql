-- The window an event is found by starts at its first occurrence, not at its
-- DTSTART: an override may move an occurrence earlier than the series' first
-- start (and an RDATE may lie before it), and a time-range query, free/busy
-- or the JSON event list must still find it. Rows written before this keep
-- their DTSTART until they are written again.
ALTER TABLE events ADD COLUMN range_start BIGINT;
UPDATE events SET range_start = start_at;
CREATE INDEX events_range_start ON events (account_id, calendar_id, range_start);
