// Time zones without a library: Intl gives the wall time of an instant in any IANA zone, and
// the inverse is found by correcting a guess with the zone's offset (twice, across DST changes).
// FullCalendar runs in UTC and is handed wall times of the view's zone "as if UTC".
const fmts = new Map();
function fmt(tz) {
	let f = fmts.get(tz);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
			day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
		fmts.set(tz, f);
	}
	return f;
}

// ms since the epoch -> wall time in tz as "ms of the same fields in UTC"
export function toWall(ms, tz) {
	if (!tz || tz === 'UTC') return ms;
	const p = {};
	for (const x of fmt(tz).formatToParts(new Date(ms))) p[x.type] = x.value;
	return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) + (ms % 1000 + 1000) % 1000;
}

// wall time (as UTC ms) in tz -> the instant; a time in a DST gap moves forward
export function fromWall(wall, tz) {
	if (!tz || tz === 'UTC') return wall;
	let t = wall - (toWall(wall, tz) - wall);
	const off2 = toWall(t, tz) - t;
	if (t + off2 !== wall) t = wall - off2;
	return t;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

// UTC ms -> "YYYY-MM-DD", "HH:MM", "YYYY-MM-DDTHH:MM:SS" (fields read in UTC)
export const isoDate = (ms) => { const d = new Date(ms); return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`; };
export const isoTime = (ms) => { const d = new Date(ms); return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`; };
export const isoLocal = (ms) => `${isoDate(ms)}T${isoTime(ms)}:${pad(new Date(ms).getUTCSeconds())}`;
export const isoUtc = (ms) => isoLocal(ms) + 'Z';

// "YYYY-MM-DD[THH:MM[:SS]][Z]" -> UTC ms of its fields (the Z is ignored here)
export function parseFields(s) {
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?Z?$/.exec(s || '');
	if (!m) return NaN;
	return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0));
}

// an API time (wall time in tzid, or "…Z") -> the instant
export function apiInstant(s, tzid) {
	const f = parseFields(s);
	return s.endsWith('Z') ? f : fromWall(f, tzid || 'UTC');
}

export const DAY = 86400000;

let zones = null;
export function timeZones(extra = []) {
	if (!zones) {
		try { zones = Intl.supportedValuesOf('timeZone'); } catch { zones = []; }
		if (!zones.includes('UTC')) zones = ['UTC', ...zones];
	}
	const add = extra.filter((z) => z && !zones.includes(z));
	return add.length ? [...add, ...zones] : zones;
}

export function browserZone() {
	try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
}
