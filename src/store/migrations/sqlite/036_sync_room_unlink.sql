-- Calendar sync (issue 16): a convene room deleted leaves its provider room
-- unlinked (state available); the worker still finds its channel or
-- subscription to stop. SQLite's trigger syntax; pg/036 is PostgreSQL's.
CREATE TRIGGER sync_rooms_room_deleted BEFORE DELETE ON rooms
BEGIN
  UPDATE sync_rooms SET room_id = NULL, state = 'available'
  WHERE account_id = OLD.account_id AND room_id = OLD.id;
END;
