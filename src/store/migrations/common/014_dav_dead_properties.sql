-- WebDAV beyond calendar data (issue 4): dead properties and plain
-- collections inside calendar collections.
--
-- dav_properties: a property a client set with PROPPATCH (RFC 4918 section
-- 4.1, e.g. Apple's calendar-order, litmus' own) that convene does not
-- interpret. path names the resource inside its calendar: '' the calendar
-- itself, an event's href (no '/'), or a plain resource's path (always with a
-- '/'). value is the whole property element as well-formed XML that declares
-- every namespace it uses and keeps its xml:lang, ready to be sent back.
-- Sizes are bounded by the DAV code (per property and per resource).
CREATE TABLE dav_properties (
  account_id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  path TEXT NOT NULL,
  ns TEXT NOT NULL,            -- '' for no namespace
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (account_id, calendar_id, path, ns, name),
  FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
);

-- RFC 4791 section 4.2 lets a calendar collection hold collections that are
-- not calendar collections; inside those, plain WebDAV resources (what
-- generic WebDAV clients and litmus write). path is relative to the calendar,
-- percent-decoded, and ends with '/' for a collection (body NULL). They are
-- never calendar data: reports and feeds do not see them.
CREATE TABLE dav_files (
  account_id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  path TEXT NOT NULL,
  body TEXT,
  content_type TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, calendar_id, path),
  FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
);

-- sync-collection asks for what changed since a version: without these, a
-- sync with no changes read every event of the calendar
CREATE INDEX events_modseq ON events (account_id, calendar_id, modseq);
CREATE INDEX event_tombstones_modseq ON event_tombstones (account_id, calendar_id, modseq);
