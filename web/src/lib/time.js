// Times in the admin center: shown in the signed-in user's time zone (their own, else their
// company's or the account's, as GET /api/v1/me says; else the browser's), with the zone named.
import { browserZone, fromWall, parseFields } from './tz.js';
import { currentLanguage } from './i18n.js';

let zone = '';
export function setUserZone(z) { zone = z || ''; }
export const userZone = () => zone || browserZone();

const fmts = new Map();
function fmt(z, withSeconds) {
	const k = z + '|' + currentLanguage() + '|' + withSeconds;
	let f = fmts.get(k);
	if (!f) {
		const opts = { timeZone: z, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
		if (withSeconds) opts.second = '2-digit';
		try { f = new Intl.DateTimeFormat('en-CA', opts); } catch { f = new Intl.DateTimeFormat('en-CA', { ...opts, timeZone: 'UTC' }); }
		fmts.set(k, f);
	}
	return f;
}

// "2026-12-06T15:04:05.123Z" -> "2026-12-06 16:04" in the user's zone ('' for none)
export function when(iso, withSeconds) {
	if (!iso) return '';
	const ms = Date.parse(iso);
	if (Number.isNaN(ms)) return iso;
	const p = {};
	for (const x of fmt(userZone(), withSeconds).formatToParts(new Date(ms))) p[x.type] = x.value;
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` + (withSeconds ? ':' + p.second : '');
}

// a date "YYYY-MM-DD" of the user's zone -> the UTC instant its day starts ("…Z"); days later with `plus`
export function dayStartUtc(date, plus = 0) {
	const f = parseFields(date);
	if (Number.isNaN(f)) return '';
	return new Date(fromWall(f + plus * 86400000, userZone())).toISOString().replace('.000Z', 'Z');
}
