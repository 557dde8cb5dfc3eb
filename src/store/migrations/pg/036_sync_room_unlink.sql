-- Calendar sync (issue 16): a convene room deleted leaves its provider room
-- unlinked (state available); the worker still finds its channel or
-- subscription to stop. PostgreSQL's trigger function; sqlite/036 is SQLite's.
CREATE FUNCTION sync_rooms_room_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE sync_rooms SET room_id = NULL, state = 'available'
  WHERE account_id = OLD.account_id AND room_id = OLD.id;
  RETURN OLD;
END
$$;
CREATE TRIGGER sync_rooms_room_deleted BEFORE DELETE ON rooms
  FOR EACH ROW EXECUTE FUNCTION sync_rooms_room_deleted();
