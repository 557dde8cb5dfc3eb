// Calendar roles and the mapping of the API's occurrences to FullCalendar events: times are
// moved to the view's zone and handed over as UTC wall times (see tz.js); busy blocks and
// details a role may not see show as "Busy"; only single (not recurring) events may be dragged.
import { get, qs } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { apiInstant, toWall, fromWall, isoLocal, isoUtc } from '../lib/tz.js';

const RANK = { none: 0, freebusy: 1, viewer: 2, editor: 3, manager: 4, owner: 5 };
export const atLeast = (role, need) => (RANK[role] || 0) >= RANK[need];
export const SHARE_ROLES = ['freebusy', 'viewer', 'editor', 'manager'];

export const calPath = (id) => '/api/v1/calendars/' + encodeURIComponent(id);

// the occurrences of a calendar in FullCalendar's range (UTC wall times of viewTz)
export async function fetchOccurrences(cal, range, viewTz) {
	const start = isoUtc(fromWall(range.start.valueOf(), viewTz));
	const end = isoUtc(fromWall(range.end.valueOf(), viewTz));
	const d = await get(calPath(cal.id) + '/events' + qs({ start, end }));
	return d.items.map((o) => toFcEvent(o, cal, viewTz));
}

export function toFcEvent(occ, cal, viewTz) {
	const busy = !!occ.busy || (cal.role === 'viewer' && occ.class && occ.class !== 'public');
	const movable = atLeast(cal.role, 'editor') && !busy && !occ.recurring;
	const ev = {
		id: occ.event_id + '|' + (occ.recurrence_id || ''),
		title: busy ? t('busy') : (occ.summary || t('untitled')),
		allDay: !!occ.all_day,
		startEditable: movable, durationEditable: movable,
		classNames: [busy ? 'ev-busy' : '', occ.status === 'cancelled' ? 'ev-cancelled' : ''].filter(Boolean),
		extendedProps: { occ, calendarId: cal.id, busy },
	};
	if (occ.all_day) { ev.start = occ.start; ev.end = occ.end; }
	else {
		ev.start = isoLocal(toWall(apiInstant(occ.start, occ.tzid), viewTz));
		ev.end = isoLocal(toWall(apiInstant(occ.end, occ.tzid), viewTz));
	}
	return ev;
}

// a FullCalendar date (UTC wall time of viewTz) -> the API's form for an event in tzid
export function apiTime(date, viewTz, tzid, allDay) {
	const ms = date.valueOf();
	if (allDay) return isoLocal(ms).slice(0, 10);
	const instant = fromWall(ms, viewTz);
	return tzid ? isoLocal(toWall(instant, tzid)) : isoUtc(instant);
}
