// ROOMS PANEL — the place kept for "find a room" in the event editor (issue 3 §8). Rooms come
// later: the API will take `room_ids` on events and answer 409 with `conflicts` (the rooms
// already taken then) and `alternatives` (free rooms). The editor already passes what this
// panel needs: the event's times, the chosen room ids, a setter, and the 409's body; until
// the rooms API exists the panel shows nothing and the editor sends no room_ids.
export const ROOMS_ENABLED = false;

export function RoomsPanel({ start, end, tzid, allDay, roomIds, onChange, conflict }) { // eslint-disable-line no-unused-vars
	if (!ROOMS_ENABLED) return null;
	return null;
}
