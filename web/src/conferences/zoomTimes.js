// Times of Zoom meetings: an instant ("…Z") as the wall time of a given IANA zone, so that a
// meeting's start can be shown in the conference's zone and in the meeting's own side by side.
const fmts = new Map();
function fmt(zone) {
	let f = fmts.get(zone);
	if (!f) {
		const opts = { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
		try { f = new Intl.DateTimeFormat('en-CA', opts); } catch { f = null; }
		fmts.set(zone, f);
	}
	return f;
}

// "2027-03-02T14:00:00Z", "Europe/Paris" -> "2027-03-02 15:00"; '' when the time or zone is unusable
export function zoneTime(iso, zone) {
	const ms = Date.parse(iso || '');
	const f = zone ? fmt(zone) : null;
	if (Number.isNaN(ms) || !f) return '';
	const p = {};
	for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
