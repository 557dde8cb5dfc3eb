-- The free-room search (store_room_free) walks rooms in its order (those of
-- the asked building first, then the others; each by capacity, name, id) and
-- stops at its limit, instead of testing every room that fits and sorting:
-- with 10,000 rooms most of them fit, and each test probes their bookings.
DROP INDEX rooms_capacity;
CREATE INDEX rooms_search ON rooms (account_id, capacity, lower(name), id);
CREATE INDEX rooms_search_building ON rooms (account_id, building, capacity, lower(name), id);
