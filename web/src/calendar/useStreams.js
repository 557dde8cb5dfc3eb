// Live refresh: an EventSource on /api/v1/calendars/{id}/stream per visible calendar; each
// `calendar` event with a version we have not seen refetches that calendar, an `end` event
// (revoked, deleted) closes it for good. A room's schedule shown beside them (an entry with
// roomId, see roomSchedule.js) listens to /api/v1/rooms/{id}/stream, whose every `room` event
// means "fetch again". Browsers allow about six HTTP/1.1 connections per host, so at most
// MAX_STREAMS entries stream (calendars first, as the caller lists them) and the others are polled.
import { useEffect, useRef } from 'preact/hooks';
import { calPath } from './model.js';

const MAX_STREAMS = 4;
const POLL_MS = 60000;

export function useStreams(calendars, onChange) {
	const cb = useRef(onChange);
	cb.current = onChange;
	const open = useRef(new Map()); // id -> {es, version}
	const ids = calendars.map((c) => c.id).join(',');
	useEffect(() => {
		const want = calendars.slice(0, MAX_STREAMS);
		const keep = new Set(want.map((c) => c.id));
		for (const [id, s] of open.current) if (!keep.has(id)) { s.es.close(); open.current.delete(id); }
		for (const cal of want) {
			if (open.current.has(cal.id)) continue;
			const url = cal.roomId ? '/api/v1/rooms/' + encodeURIComponent(cal.roomId) + '/stream' : calPath(cal.id) + '/stream';
			const s = { es: new EventSource(url), version: cal.version };
			if (cal.roomId) s.es.addEventListener('room', () => cb.current(cal.id));
			else s.es.addEventListener('calendar', (e) => {
				let v;
				try { v = JSON.parse(e.data).version; } catch { return; }
				if (v === s.version) return; // the first message repeats the state we loaded
				s.version = v;
				cb.current(cal.id);
			});
			s.es.addEventListener('end', () => s.es.close());
			open.current.set(cal.id, s);
		}
		const rest = calendars.slice(MAX_STREAMS).map((c) => c.id);
		const h = rest.length ? setInterval(() => rest.forEach((id) => cb.current(id)), POLL_MS) : null;
		return () => { if (h) clearInterval(h); };
	}, [ids]);
	useEffect(() => () => { for (const s of open.current.values()) s.es.close(); open.current.clear(); }, []);
}
