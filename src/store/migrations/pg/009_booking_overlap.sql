-- Never two overlapping bookings of one room, whatever the concurrency: the
-- database refuses the second (SQLSTATE 23P01, our E_CONFLICT). btree_gist
-- lets text (room_id) share a GiST index with the range; the range comes
-- first so that the free-room search's overlap test uses it.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
  EXCLUDE USING gist (int8range(busy_from, busy_to) WITH &&, room_id WITH =);
