-- CalDAV resource names chosen by clients (issue 4, phase 2a). Apple Calendar
-- and DAVx5 name what they PUT and MKCALENDAR themselves (UUIDs, names that
-- differ from the UID), so the name is kept rather than derived.
--
-- events.href: the decoded last path segment of the event's resource, unique
-- in its calendar (the UID stays unique as well). Events made by the JSON API
-- or an import get "<UID>.ics", or "<event id>.ics" when the UID is not a
-- plain path segment (a '/', a control character, over 200 bytes) or that
-- name is taken. NULL (rows written by bulk SQL, e.g. the benchmarks) reads
-- as "<UID>.ics".
ALTER TABLE events ADD COLUMN href TEXT;
UPDATE events SET href = CASE WHEN uid LIKE '%/%' OR length(uid) > 200 THEN id || '.ics' ELSE uid || '.ics' END;
CREATE UNIQUE INDEX events_href ON events (account_id, calendar_id, href);
-- the name a deleted event had, for sync-collection's 404 entries
ALTER TABLE event_tombstones ADD COLUMN href TEXT;
UPDATE event_tombstones SET href = CASE WHEN uid LIKE '%/%' OR length(uid) > 200 THEN event_id || '.ics' ELSE uid || '.ics' END;

-- The name of a calendar in its owner's calendar home when a client chose it
-- (MKCALENDAR at /dav/calendars/<user>/<name>/); calendars without a row are
-- at their id, and shared calendars are always at their id in a grantee's
-- home. Names never start with "cal_" (the ids' prefix), so the two never meet.
CREATE TABLE dav_calendar_names (
  account_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  PRIMARY KEY (account_id, owner_id, name),
  UNIQUE (account_id, calendar_id),
  FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
);
