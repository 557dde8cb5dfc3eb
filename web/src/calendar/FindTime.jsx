// "Find a time" in the event editor: the first slots of the event's length when the organizer,
// the attendees who are users of the account and (if asked) a room with enough seats are all free
// (POST /api/v1/find-time), searched day by day between the hours given, in the event's zone.
// Choosing a slot moves the event there (and adds the room, when none is chosen yet).
import { useState } from 'preact/hooks';
import { api, get, qs } from '../lib/api.js';
import { t, currentLanguage } from '../lib/i18n.js';
import { errText } from '../lib/ui.jsx';
import { fromWall, toWall, parseFields, isoDate, isoTime, isoUtc, DAY } from '../lib/tz.js';

const MAX_DAYS = 14;
const WANT = 5;

// attendees' e-mail addresses -> user ids where the caller may look users up; the others are named
async function userIds(emails) {
	const ids = [], unknown = [];
	for (const e of emails.slice(0, 50)) {
		try {
			const d = await get('/api/v1/users' + qs({ q: e, limit: 5 }));
			const u = (d.items || []).find((x) => (x.email || '').toLowerCase() === e.toLowerCase());
			if (u) ids.push(u.id); else unknown.push(e);
		} catch { unknown.push(e); }
	}
	return { ids, unknown };
}

export function FindTime({ me, emails, startDate, minutes, tzid, onPick }) {
	const [v, setV] = useState({ from: '08:00', to: '18:00', seats: '' });
	const [res, setRes] = useState({ busy: false, slots: null, error: '', unknown: [] });
	const zone = tzid || 'UTC';
	const noEnter = (e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } }; // Enter here must not save the event
	async function search() {
		if (!(minutes >= 5 && minutes <= 1440)) { setRes({ busy: false, slots: null, error: t('findTimeLength'), unknown: [] }); return; }
		if (!/^\d\d:\d\d$/.test(v.from) || !/^\d\d:\d\d$/.test(v.to) || v.to <= v.from) { setRes({ busy: false, slots: null, error: t('findTimeHours'), unknown: [] }); return; }
		setRes({ busy: true, slots: null, error: '', unknown: [] });
		try {
			const { ids, unknown } = await userIds(emails);
			const users = [me.user.id, ...ids.filter((x) => x !== me.user.id)];
			const slots = [];
			const first = Math.max(parseFields(startDate), parseFields(isoDate(toWall(Date.now(), zone))));
			for (let d = 0; d < MAX_DAYS && slots.length < WANT; d++) {
				const day = isoDate(first + d * DAY);
				const s = fromWall(parseFields(`${day}T${v.from}`), zone), e = fromWall(parseFields(`${day}T${v.to}`), zone);
				if (e - s < minutes * 60000 || e <= Date.now()) continue;
				const body = { start: isoUtc(Math.max(s, Math.ceil(Date.now() / 900000) * 900000)), end: isoUtc(e), duration_minutes: minutes, users, count: WANT - slots.length };
				if (v.seats !== '') body.room = { capacity: Number(v.seats) };
				const r = await api('POST', '/api/v1/find-time', body);
				slots.push(...(r.slots || []));
			}
			setRes({ busy: false, slots, error: '', unknown });
		} catch (e) { setRes({ busy: false, slots: null, error: errText(e), unknown: [] }); }
	}
	const fmt = new Intl.DateTimeFormat(currentLanguage(), { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
	const slotText = (s) => {
		const a = toWall(Date.parse(s.start), zone), b = toWall(Date.parse(s.end), zone);
		const room = s.rooms && s.rooms[0] ? ' — ' + s.rooms[0].name : '';
		return `${fmt.format(a)} ${isoTime(a)}–${isoTime(b)}${room}`;
	};
	const pick = (s) => {
		const a = toWall(Date.parse(s.start), zone), b = toWall(Date.parse(s.end), zone);
		onPick({ startDate: isoDate(a), startTime: isoTime(a), endDate: isoDate(b), endTime: isoTime(b) }, s.rooms && s.rooms[0]);
	};
	return (
		<details class="find-time">
			<summary>{t('findTime')}</summary>
			<p class="note">{t('findTimeHint', { n: minutes, zone })}</p>
			<div class="row">
				<label for="ft-from">{t('findTimeBetween')}</label>
				<input id="ft-from" type="time" value={v.from} onKeyDown={noEnter} onInput={(e) => setV({ ...v, from: e.currentTarget.value })} />
				<label for="ft-to">{t('findTimeAnd')}</label>
				<input id="ft-to" type="time" value={v.to} onKeyDown={noEnter} onInput={(e) => setV({ ...v, to: e.currentTarget.value })} />
				<label for="ft-seats">{t('findTimeSeats')}</label>
				<input id="ft-seats" type="number" min="0" class="num" value={v.seats} onKeyDown={noEnter}
					onInput={(e) => setV({ ...v, seats: e.currentTarget.value.replace(/[^0-9]/g, '') })} />
				<button type="button" class="small" onClick={search} disabled={res.busy}>{res.busy ? t('loading') : t('findTimeSearch')}</button>
			</div>
			{res.error && <p class="error" role="alert">{res.error}</p>}
			{res.unknown.length > 0 && <p class="note">{t('findTimeUnknown', { who: res.unknown.join(', ') })}</p>}
			<p class="note" role="status">{res.slots && !res.slots.length ? t('findTimeNone', { n: MAX_DAYS }) : ''}</p>
			{res.slots && res.slots.length > 0 && (
				<ul class="room-results" aria-label={t('findTimeSlots')}>
					{res.slots.map((s) => (
						<li key={s.start}><span>{slotText(s)}</span>
							<button type="button" class="small" onClick={() => pick(s)} aria-label={t('findTimeUse', { slot: slotText(s) })}>{t('findTimeUseShort')}</button></li>))}
				</ul>)}
		</details>
	);
}
