-- migrate: foreign keys off
-- Conferences (issue 15): a gathering with its conference administrators and
-- its schedule, a calendar owned by the conference (calendars.conference_id),
-- so that the JSON API, feeds and CalDAV serve it like any calendar. Deleting
-- a conference deletes its calendar (events, bookings, shares, feeds) and its
-- administrators; later tables of the conference reference it ON DELETE
-- CASCADE too. The same schema as pg/028.
--
-- SQLite cannot change a table's CHECK, so calendars is rebuilt as its
-- documented procedure says (https://www.sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"): the first line above makes
-- store/migrate.c turn foreign keys off around this migration's transaction,
-- because with them on, DROP TABLE calendars would delete every event, share,
-- feed and DAV property through their ON DELETE CASCADE; it runs
-- PRAGMA foreign_key_check before committing. The rebuilt table keeps every
-- column, constraint, foreign key and index of 005 (calendars has no trigger
-- and no view refers to it); the tables that reference calendars name it and
-- so reference the new table once it is renamed.
CREATE TABLE conferences (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  starts_on TEXT NOT NULL,            -- YYYY-MM-DD, in the conference's time zone
  ends_on TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  calendar_id TEXT NOT NULL,          -- its schedule (whose conference_id is this id)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  CHECK (ends_on >= starts_on)
);
-- the lists: by start date, then id (the cursor)
CREATE INDEX conferences_starts ON conferences (account_id, starts_on, id);

CREATE TABLE conference_admins (
  account_id TEXT NOT NULL,
  conference_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, conference_id, user_id),
  FOREIGN KEY (account_id, conference_id) REFERENCES conferences(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users(account_id, id) ON DELETE CASCADE
);
-- "the conferences this user administers" (lists, calendar access, CalDAV homes)
CREATE INDEX conference_admins_user ON conference_admins (account_id, user_id);

CREATE TABLE calendars_028 (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  owner_id TEXT,                      -- the user who owns it
  room_id TEXT,                       -- or the room it belongs to
  conference_id TEXT,                 -- or the conference whose schedule it is
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
  CONSTRAINT calendars_one_owner
    CHECK ((owner_id IS NOT NULL) + (room_id IS NOT NULL) + (conference_id IS NOT NULL) = 1),
  FOREIGN KEY (account_id, owner_id) REFERENCES users(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, conference_id) REFERENCES conferences(account_id, id) ON DELETE CASCADE
);
INSERT INTO calendars_028 (account_id, id, owner_id, room_id, conference_id, name, colour, time_zone, description,
  is_default, public_detail, feed_days_back, feed_days_ahead, version, created_at, updated_at)
  SELECT account_id, id, owner_id, room_id, NULL, name, colour, time_zone, description,
  is_default, public_detail, feed_days_back, feed_days_ahead, version, created_at, updated_at FROM calendars;
DROP TABLE calendars;
ALTER TABLE calendars_028 RENAME TO calendars;
CREATE INDEX calendars_owner ON calendars (account_id, owner_id);
CREATE INDEX calendars_room ON calendars (account_id, room_id);
-- one schedule per conference, and its lookup from the conference
CREATE UNIQUE INDEX calendars_conference ON calendars (account_id, conference_id);
