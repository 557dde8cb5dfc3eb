-- The window an event is found by starts at its first occurrence, not at its
-- DTSTART: an override may move an occurrence earlier than the series' first
-- start (and an RDATE may lie before it), and a time-range query, free/busy
-- or the JSON event list must still find it. Rows with overrides or RDATEs,
-- whose first occurrence only a parse can tell, are found from the year 1 on
-- (range_end still bounds them; the expansion then answers exactly) until
-- they are written again; the others start at their DTSTART.
ALTER TABLE events ADD COLUMN range_start BIGINT;
UPDATE events SET range_start = CASE WHEN ical LIKE '%RECURRENCE-ID%' OR ical LIKE '%RDATE%'
  THEN -62135596800 ELSE start_at END;
CREATE INDEX events_range_start ON events (account_id, calendar_id, range_start);
