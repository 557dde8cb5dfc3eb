// What the door screen works out from a DisplayState (GET /api/v1/display/{token}): instants of
// the bookings (wall times in the room's zone, or UTC "…Z" when the room's calendar is in UTC),
// the zone to show them in, the language, and when the state must be fetched again.
import { apiInstant, toWall, isoDate, browserZone } from '../lib/tz.js';

export const CHECKIN_EARLY_MS = 10 * 60000; // the server opens check-in ten minutes before the start

// times of a UTC room are shown in the screen's own zone, other rooms in theirs
export const zoneOf = (s) => (s && s.tzid) || browserZone();

export const startMs = (s, b) => apiInstant(b.start, s.tzid);
export const endMs = (s, b) => apiInstant(b.end, s.tzid);

// the account's language from the state; before it is known (or if absent), the browser's
export function languageOf(s) {
	if (s && s.language) return s.language;
	const l = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
	return l.slice(0, 2).toLowerCase();
}

const fmts = new Map();
function fmt(lang, zone, opts) {
	const k = lang + '|' + zone + '|' + JSON.stringify(opts);
	let f = fmts.get(k);
	if (!f) {
		try { f = new Intl.DateTimeFormat(lang, { ...opts, timeZone: zone }); }
		catch { f = new Intl.DateTimeFormat('en', { ...opts, timeZone: 'UTC' }); }
		fmts.set(k, f);
	}
	return f;
}
export const hhmm = (ms, lang, zone) => fmt(lang, zone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
export const longDate = (ms, lang, zone) => fmt(lang, zone, { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(ms));

// whole minutes left, rounded up so that "0 min" never shows while a meeting still runs
export const minutesLeft = (until, now) => Math.max(1, Math.ceil((until - now) / 60000));

// the bookings after `next` that start today in the room's zone (the server's window reaches an
// hour past midnight, for days that DST makes longer)
export function laterToday(s, now) {
	const zone = zoneOf(s);
	const today = isoDate(toWall(now, zone));
	return (s.today || []).slice(1).filter((b) => isoDate(toWall(startMs(s, b), zone)) === today);
}

// the booking one checks in to at the door: the current one, or the next when it starts within
// ten minutes; null when there is nothing to check in to
export function checkInTarget(s, now) {
	if (!s.check_in) return null;
	if (s.current) return s.current.checked_in ? null : s.current;
	if (s.next && !s.next.checked_in && startMs(s, s.next) - now <= CHECKIN_EARLY_MS) return s.next;
	return null;
}

// the next instant at which the state changes without any booking changing: the current meeting
// ends, the next one starts or its check-in opens
export function rollAt(s) {
	const t = [];
	if (s.current) t.push(endMs(s, s.current));
	if (s.next) { const st = startMs(s, s.next); t.push(st); if (s.check_in) t.push(st - CHECKIN_EARLY_MS); }
	return t.length ? Math.min(...t) : Infinity;
}

// "{n} min" with its values filled in
export const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
