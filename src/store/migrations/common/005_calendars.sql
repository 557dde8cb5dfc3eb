-- Calendars (owned by a user or, from 006, by a room) and their events, each
-- kept as its normalised iCalendar text plus the columns queries need.
-- calendars.version goes up with every change to the calendar or its events:
-- it keys feed caches and is the CalDAV ctag; events.modseq and the
-- tombstones of deleted events let sync-collection say what changed.
CREATE TABLE calendars (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  owner_id TEXT,                      -- the user who owns it; NULL for a room's calendar
  room_id TEXT,                       -- the room it belongs to; NULL for a user's
  name TEXT NOT NULL,
  colour TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_default INTEGER NOT NULL DEFAULT 0,
  public_detail TEXT NOT NULL DEFAULT 'busy' CHECK (public_detail IN ('full','busy')),
  feed_days_back INTEGER NOT NULL DEFAULT 90,
  feed_days_ahead INTEGER NOT NULL DEFAULT 730,
  version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  CHECK ((owner_id IS NULL) <> (room_id IS NULL)),
  FOREIGN KEY (account_id, owner_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
CREATE INDEX calendars_owner ON calendars (account_id, owner_id);
CREATE INDEX calendars_room ON calendars (account_id, room_id);

CREATE TABLE events (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  uid TEXT NOT NULL,
  ical TEXT NOT NULL,                 -- VEVENT blocks (master, then overrides)
  ical_busy TEXT NOT NULL,            -- the same reduced to busy blocks
  tzids TEXT NOT NULL DEFAULT '',     -- every TZID the text uses, space-separated
  summary TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  start_at BIGINT NOT NULL,           -- the master's first occurrence, UTC seconds
  end_at BIGINT NOT NULL,
  all_day INTEGER NOT NULL DEFAULT 0,
  tzid TEXT,
  rrule TEXT,
  range_end BIGINT NOT NULL,          -- end of the last occurrence; 9223372036854775807 = never
  status TEXT NOT NULL DEFAULT 'CONFIRMED',
  transp TEXT NOT NULL DEFAULT 'OPAQUE',
  class TEXT NOT NULL DEFAULT 'PUBLIC',
  organizer TEXT,
  sequence INTEGER NOT NULL DEFAULT 0,
  etag TEXT NOT NULL,
  modseq BIGINT NOT NULL,             -- the calendar's version when last changed
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX events_uid ON events (account_id, calendar_id, uid);
-- window queries: start_at < window end AND range_end > window start
CREATE INDEX events_window ON events (account_id, calendar_id, start_at);

CREATE TABLE event_tombstones (
  account_id TEXT NOT NULL,
  calendar_id TEXT NOT NULL,
  uid TEXT NOT NULL,
  event_id TEXT NOT NULL,
  modseq BIGINT NOT NULL,
  deleted_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, calendar_id, uid),
  FOREIGN KEY (account_id, calendar_id) REFERENCES calendars(account_id, id) ON DELETE CASCADE
);
