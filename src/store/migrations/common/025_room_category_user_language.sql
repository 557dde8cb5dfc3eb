-- A room's resource category, as Google Workspace's resourceCategory
-- (CONFERENCE_ROOM or OTHER), which GoTo Room asks rooms to have: a meeting
-- room, or another bookable resource (a desk, a car, a projector).
ALTER TABLE rooms ADD COLUMN category TEXT NOT NULL DEFAULT 'conference_room'
  CHECK (category IN ('conference_room', 'other'));

-- Each user may choose their own language and time zone; NULL: their
-- company's setting, else the account's (iam/language.h).
ALTER TABLE users ADD COLUMN language TEXT CHECK (language IN ('en', 'fr', 'ru'));
ALTER TABLE users ADD COLUMN time_zone TEXT;
