-- Tombstones are kept per resource name, not per UID: a UID deleted at one
-- name, made again at another and deleted there left one tombstone, at the
-- second name, and a client that synced before all of it never learned that
-- the first name was gone (sync-collection, RFC 6578 section 3.5). A name
-- made again removes its own tombstone (store_event_insert).
CREATE TABLE event_tombstones_by_name (
  account_id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  href TEXT NOT NULL,
  uid TEXT NOT NULL,
  event_id TEXT NOT NULL,
  modseq BIGINT NOT NULL,
  deleted_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, calendar_id, href),
  FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
);
INSERT INTO event_tombstones_by_name (account_id, calendar_id, href, uid, event_id, modseq, deleted_at)
  SELECT account_id, calendar_id, COALESCE(href, uid || '.ics'), uid, event_id, modseq, deleted_at
  FROM event_tombstones t
  -- two UIDs deleted in turn at one name: the later deletion is the name's
  WHERE NOT EXISTS (SELECT 1 FROM event_tombstones u
    WHERE u.account_id = t.account_id AND u.calendar_id = t.calendar_id
      AND COALESCE(u.href, u.uid || '.ics') = COALESCE(t.href, t.uid || '.ics')
      AND (u.modseq > t.modseq OR (u.modseq = t.modseq AND u.uid > t.uid)));
DROP TABLE event_tombstones;
ALTER TABLE event_tombstones_by_name RENAME TO event_tombstones;
CREATE INDEX event_tombstones_modseq ON event_tombstones (account_id, calendar_id, modseq);
