-- Conferences (issue 15): a gathering with its conference administrators and
-- its schedule, a calendar owned by the conference (calendars.conference_id),
-- so that the JSON API, feeds and CalDAV serve it like any calendar. Deleting
-- a conference deletes its calendar (events, bookings, shares, feeds) and its
-- administrators; later tables of the conference reference it ON DELETE
-- CASCADE too. The same DDL as sqlite/028, which must rebuild calendars to
-- change its CHECK.
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

-- a calendar is owned by exactly one of a user, a room or a conference
ALTER TABLE calendars ADD COLUMN conference_id TEXT;
ALTER TABLE calendars DROP CONSTRAINT calendars_check;
ALTER TABLE calendars ADD CONSTRAINT calendars_one_owner CHECK (num_nonnulls(owner_id, room_id, conference_id) = 1);
ALTER TABLE calendars ADD CONSTRAINT calendars_conference_fkey FOREIGN KEY (account_id, conference_id)
  REFERENCES conferences(account_id, id) ON DELETE CASCADE;
-- one schedule per conference, and its lookup from the conference
CREATE UNIQUE INDEX calendars_conference ON calendars (account_id, conference_id);
