// The editor's recurrence choices <-> an RRULE. Only what the editor offers is parsed
// (FREQ, INTERVAL, BYDAY for weekly, COUNT, UNTIL); any other rule is kept as it is ("custom").
import { fromWall, toWall, parseFields, isoDate, DAY } from '../lib/tz.js';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
export const FREQS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

// the weekday code of a date "YYYY-MM-DD"
export function weekdayOf(date) {
	const d = new Date(parseFields(date)).getUTCDay(); // 0 = Sunday
	return WEEKDAYS[(d + 6) % 7];
}

export function emptyRecurrence(startDate) {
	return { freq: '', interval: 1, byday: [weekdayOf(startDate)], ends: 'never', count: 10, until: '', custom: '' };
}

// rrule text -> recurrence; tzid/allDay read UNTIL as a date of the event's zone
export function parseRule(rule, startDate, tzid, allDay) {
	const r = emptyRecurrence(startDate);
	if (!rule) return r;
	const parts = {};
	for (const p of rule.split(';')) { const [k, v] = p.split('='); if (k) parts[k.toUpperCase()] = v || ''; }
	const known = ['FREQ', 'INTERVAL', 'BYDAY', 'COUNT', 'UNTIL', 'WKST'];
	const plainDays = !parts.BYDAY || parts.BYDAY.split(',').every((d) => WEEKDAYS.includes(d));
	if (!FREQS.includes(parts.FREQ) || Object.keys(parts).some((k) => !known.includes(k)) || !plainDays ||
		(parts.BYDAY && parts.FREQ !== 'WEEKLY')) return { ...r, freq: 'CUSTOM', custom: rule };
	r.freq = parts.FREQ;
	r.interval = parseInt(parts.INTERVAL || '1', 10) || 1;
	if (parts.BYDAY) r.byday = parts.BYDAY.split(',');
	if (parts.COUNT) { r.ends = 'count'; r.count = parseInt(parts.COUNT, 10) || 1; }
	else if (parts.UNTIL) {
		const u = parts.UNTIL;
		const f = `${u.slice(0, 4)}-${u.slice(4, 6)}-${u.slice(6, 8)}` + (u.length > 8 ? `T${u.slice(9, 11)}:${u.slice(11, 13)}:${u.slice(13, 15)}` : '');
		let ms = parseFields(f);
		if (u.endsWith('Z') && !allDay) ms = toWall(ms, tzid || 'UTC');
		r.ends = 'until'; r.until = isoDate(ms);
	}
	return r;
}

// recurrence -> rrule text ('' for none)
export function buildRule(r, tzid, allDay) {
	if (!r.freq) return '';
	if (r.freq === 'CUSTOM') return r.custom;
	const p = ['FREQ=' + r.freq];
	const n = parseInt(r.interval, 10);
	if (n > 1) p.push('INTERVAL=' + n);
	if (r.freq === 'WEEKLY' && r.byday.length) p.push('BYDAY=' + WEEKDAYS.filter((d) => r.byday.includes(d)).join(','));
	if (r.ends === 'count') p.push('COUNT=' + Math.max(1, parseInt(r.count, 10) || 1));
	else if (r.ends === 'until' && r.until) {
		if (allDay) p.push('UNTIL=' + r.until.replace(/-/g, ''));
		else {
			// the end of that day in the event's zone, in UTC as RFC 5545 wants with a TZID
			const ms = fromWall(parseFields(r.until) + DAY - 1000, tzid || 'UTC');
			const d = new Date(ms).toISOString();
			p.push('UNTIL=' + d.slice(0, 19).replace(/[-:]/g, '') + 'Z');
		}
	}
	return p.join(';');
}
