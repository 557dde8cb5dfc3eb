// Rooms on the calendar page: the account's rooms (one GET, shared by the sidebar and the
// event editor, kept a minute), the rooms whose schedule is shown (remembered per user), and
// each shown room as a read-only event source built from GET /api/v1/rooms/{id}/bookings,
// since a member may not read the room's own calendar; subjects the room hides come as "Booked".
import { useState } from 'preact/hooks';
import { get, qs, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { apiInstant, toWall, fromWall, isoLocal, isoUtc } from '../lib/tz.js';

const KEEP_MS = 60000;
let cache = null, cachedAt = 0;

// the account's rooms by name (at most the API's 1,000)
export function roomCatalogue(force) {
	if (!cache || force || Date.now() - cachedAt > KEEP_MS) {
		cachedAt = Date.now();
		cache = get('/api/v1/rooms').then((d) => d.items || []);
		cache.catch(() => { cache = null; });
	}
	return cache;
}

const PALETTE = ['#6b7a8f', '#8a6d3b', '#5b7f5b', '#7a5c8a', '#8f5f5f', '#4f7f8a'];
export function roomColour(id) {
	let h = 0;
	for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
	return PALETTE[h % PALETTE.length];
}

export const ROOM_SOURCE = 'room:';
const shownKey = (uid) => 'convene.shown-rooms.' + uid;

// [{id, name}] of the rooms whose schedule is shown, and toggle(room, on)
export function useShownRooms(uid) {
	const [shown, setShown] = useState(() => {
		try {
			const v = JSON.parse(localStorage.getItem(shownKey(uid)) || '[]');
			return Array.isArray(v) ? v.filter((r) => r && typeof r.id === 'string') : [];
		} catch { return []; }
	});
	function toggle(room, on) {
		setShown((old) => {
			const next = on ? [...old.filter((r) => r.id !== room.id), { id: room.id, name: room.name }]
				: old.filter((r) => r.id !== room.id);
			try { localStorage.setItem(shownKey(uid), JSON.stringify(next)); } catch { /* private mode */ }
			return next;
		});
	}
	return [shown, toggle];
}

// shown rooms as the "calendars" CalendarView adds as sources (with their own fetch)
export function roomCalendars(shown) {
	return shown.map((r) => ({ id: ROOM_SOURCE + r.id, roomId: r.id, name: r.name, colour: roomColour(r.id), role: 'room', fetch: fetchRoomBookings }));
}

// pages of (at most 1,000) bookings read for one view: a month of a room booked every few minutes
const SCHEDULE_PAGES = 20;

async function fetchRoomBookings(cal, range, viewTz) {
	const start = isoUtc(fromWall(range.start.valueOf(), viewTz));
	const end = isoUtc(fromWall(range.end.valueOf(), viewTz));
	// every page of the window (the API pages a room's bookings), at most SCHEDULE_PAGES of them
	const url = '/api/v1/rooms/' + encodeURIComponent(cal.roomId) + '/bookings';
	const items = [];
	let d, cursor = null;
	try {
		for (let n = 0; n < SCHEDULE_PAGES; n++) {
			d = await get(url + qs({ start, end, cursor }));
			items.push(...(d.items || []));
			if (!(cursor = d.next_cursor)) break;
		}
	} catch (e) { if (e instanceof ApiError && e.status === 404) return []; throw e; } // a room deleted since it was shown
	return items.map((b) => {
		const pending = b.status === 'pending';
		const subject = b.summary === 'Booked' ? t('roomBooked') : (b.summary || t('untitled'));
		return {
			id: cal.id + '|' + b.id,
			title: `${cal.name}: ${subject}` + (pending ? ` (${t('roomPendingShort')})` : ''),
			start: isoLocal(toWall(apiInstant(b.start, d.tzid), viewTz)),
			end: isoLocal(toWall(apiInstant(b.end, d.tzid), viewTz)),
			editable: false, startEditable: false, durationEditable: false,
			classNames: ['ev-room', pending ? 'ev-pending' : ''].filter(Boolean),
			extendedProps: { busy: true, note: t('roomScheduleReadOnly').replace('{room}', cal.name), booking: b },
		};
	});
}
