// ROOMS PANEL — "find a room" in the event editor (issue 3 §2, §3, §9): the chosen rooms as
// chips (with "waiting for the room's delegates" when a booking is pending), the free rooms
// that fit the filters for the event's current times (GET /api/v1/rooms/search, debounced, in
// the API's best-fit order), and after a refusal (409) each refused occurrence in the event's
// zone with the rule it breaks and the alternatives, one click swapping the taken room.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, qs } from '../lib/api.js';
import { t, codeText } from '../lib/i18n.js';
import { errText } from '../lib/ui.jsx';
import { roomCatalogue } from './roomSchedule.js';
import { apiInstant, fromWall, isoUtc, parseFields, toWall, DAY } from '../lib/tz.js';

export const ROOMS_ENABLED = true;

const DEBOUNCE_MS = 350;
const PAGE = 20;
const RULES = ['conflict', 'max_duration', 'min_notice', 'max_ahead', 'opening_hours', 'not_allowed'];

// the event's times -> the search's UTC window, or null while they are not a valid span
function searchWindow(start, end, tzid, allDay) {
	let s, e;
	if (allDay) { s = parseFields(start.slice(0, 10)); e = parseFields(end.slice(0, 10)) + DAY; }
	else { s = parseFields(start); e = parseFields(end); }
	if (isNaN(s) || isNaN(e) || e <= s || e - s > 31 * DAY) return null;
	const z = tzid || 'UTC';
	return { start: isoUtc(fromWall(s, z)), end: isoUtc(fromWall(e, z)) };
}

const lang = () => document.documentElement.lang || 'en';
function fmt(opts) { return new Intl.DateTimeFormat(lang(), { timeZone: 'UTC', ...opts }); }
// a time of the 409 (wall time of the calendar's zone, "…Z" or a date) -> text in the event's zone;
// the day is left out when it is that of `sameAs`
function localSpan(s, e, fromTz, toTz, sameAs) {
	if (!s) return '';
	if (s.length === 10) return fmt({ weekday: 'short', day: 'numeric', month: 'short' }).format(parseFields(s));
	const ws = toWall(apiInstant(s, fromTz || 'UTC'), toTz || 'UTC');
	const we = e ? toWall(apiInstant(e, fromTz || 'UTC'), toTz || 'UTC') : NaN;
	const day = fmt({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
	const time = fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
	const sameDay = !isNaN(we) && Math.floor(ws / DAY) === Math.floor((we - 1) / DAY);
	const endText = isNaN(we) ? '' : '–' + (sameDay ? time.format(we) : day.format(we) + ' ' + time.format(we));
	const d = day.format(ws);
	return sameAs && sameAs.startsWith(d + ' ') ? `${time.format(ws)}${endText}` : `${d} ${time.format(ws)}${endText}`;
}

function roomLine(r) {
	const where = [r.building, r.floor].filter(Boolean).join(' · ');
	const parts = [where, t('seatsN').replace('{n}', String(r.capacity || 0))];
	if (r.equipment && r.equipment.length) parts.push(r.equipment.join(', '));
	return parts.filter(Boolean).join(' — ');
}

// per room still chosen: its refused occurrences and the rooms offered for all of them
function refusals(conflict, roomIds) {
	const by = new Map();
	for (const c of (conflict && conflict.conflicts) || []) {
		if (!roomIds.includes(c.room_id)) continue;
		if (!by.has(c.room_id)) by.set(c.room_id, { id: c.room_id, name: c.room, items: [] });
		by.get(c.room_id).items.push(c);
	}
	for (const g of by.values()) {
		const first = g.items[0].alternatives || [];
		const everywhere = first.filter((a) => g.items.every((c) => (c.alternatives || []).some((x) => x.id === a.id)));
		g.alternatives = (everywhere.length ? everywhere : first).filter((a) => !roomIds.includes(a.id));
	}
	return [...by.values()];
}

function ruleText(c) {
	if (!RULES.includes(c.rule)) return c.detail || c.rule;
	return t('rule_' + c.rule);
}

export function RoomsPanel({ start, end, tzid, allDay, roomIds, onChange, conflict, calTz, states = {}, readOnly }) {
	const [catalogue, setCatalogue] = useState(null);
	const [catErr, setCatErr] = useState('');
	const [open, setOpen] = useState(false);
	const [capacity, setCapacity] = useState('');
	const [tags, setTags] = useState([]);
	const [building, setBuilding] = useState('');
	const [category, setCategory] = useState('');
	const [limit, setLimit] = useState(PAGE);
	const [found, setFound] = useState({ items: null, error: '', busy: false });
	const [names, setNames] = useState({}); // rooms known only from a 409's alternatives
	const [swapNote, setSwapNote] = useState('');
	const seq = useRef(0);

	useEffect(() => { roomCatalogue().then(setCatalogue, (e) => setCatErr(errText(e))); }, []);
	useEffect(() => { setSwapNote(''); }, [conflict]);

	const win = searchWindow(start, end, tzid, allDay);
	const query = win && open && !readOnly ? qs({ ...win, capacity: capacity === '' ? undefined : capacity,
		equipment: tags.join(','), building, category, limit }) : '';
	useEffect(() => {
		if (!query) return undefined;
		const n = ++seq.current;
		setFound((o) => ({ ...o, busy: true }));
		const h = setTimeout(() => {
			get('/api/v1/rooms/search' + query).then(
				(d) => { if (n === seq.current) setFound({ items: d.items || [], error: '', busy: false }); },
				(e) => { if (n === seq.current) setFound({ items: null, error: errText(e), busy: false }); });
		}, DEBOUNCE_MS);
		return () => clearTimeout(h);
	}, [query]);

	if (catErr && !roomIds.length) return null; // rooms are not for this user (guests, customers)
	const rooms = catalogue || [];
	const byId = new Map(rooms.map((r) => [r.id, r]));
	const nameOf = (id) => (byId.get(id) && byId.get(id).name) || names[id] || id;
	const allTags = [...new Set(rooms.flatMap((r) => r.equipment || []))].sort();
	const buildings = [...new Set(rooms.map((r) => r.building).filter(Boolean))].sort();
	const categories = [...new Set(rooms.map((r) => r.category).filter(Boolean))].sort();
	const refused = refusals(conflict, roomIds);

	const add = (r) => { if (!roomIds.includes(r.id)) onChange([...roomIds, r.id]); };
	const remove = (id) => onChange(roomIds.filter((x) => x !== id));
	function swap(taken, alt) {
		setNames((o) => ({ ...o, [alt.id]: alt.name }));
		onChange(roomIds.includes(alt.id) ? roomIds.filter((x) => x !== taken.id) : roomIds.map((x) => (x === taken.id ? alt.id : x)));
		setSwapNote(t('roomSwapped').replace('{new}', alt.name).replace('{old}', taken.name));
	}
	const noEnter = (e) => { if (e.key === 'Enter') e.preventDefault(); }; // Enter here must not save the event
	const toggleTag = (tag, on) => { setTags((o) => (on ? [...o, tag] : o.filter((x) => x !== tag))); setLimit(PAGE); };

	return (
		<fieldset class="inner rooms-panel"><legend>{t('eventRooms')}</legend>
			{roomIds.length ? (
				<ul class="chips" aria-label={t('chosenRooms')}>
					{roomIds.map((id) => {
						const r = byId.get(id);
						const st = states[id];
						return (
							<li key={id} class="chip">
								<span>{nameOf(id)}</span>
								{st === 'pending' && <span class="chip-note">{t('roomWaiting')}</span>}
								{st === 'declined' && <span class="chip-note">{t('roomDeclinedState')}</span>}
								{!st && r && r.rules && r.rules.approval && <span class="chip-note">{t('roomNeedsApproval')}</span>}
								{!readOnly && <button type="button" class="chip-x" aria-label={t('removeRoomNamed').replace('{room}', nameOf(id))}
									onClick={() => remove(id)}>×</button>}
							</li>);
					})}
				</ul>) : <p class="note">{t('noRoomChosen')}</p>}
			{refused.length > 0 && (
				<div class="room-refusal" role="alert">
					{refused.map((g) => (
						<div key={g.id} class="refused-room">
							<p><strong>{t('roomRefuses').replace('{room}', g.name)}</strong></p>
							<ul class="refused-list">
								{g.items.slice(0, 10).map((c, i) => {
									const when = localSpan(c.start, c.end, calTz, tzid);
									return (
										<li key={i}>
											{when}: {ruleText(c)}
											{c.conflicting && ' ' + t('takenBetween').replace('{span}', localSpan(c.conflicting.start, c.conflicting.end, calTz, tzid, when))}
										</li>);
								})}
								{g.items.length > 10 && <li>{t('moreRefused').replace('{n}', String(g.items.length - 10))}</li>}
							</ul>
							{readOnly ? null : g.alternatives.length ? (
								<div class="alternatives" role="group" aria-label={t('alternativesFor').replace('{room}', g.name)}>
									<span>{t('freeInstead')}</span>
									{g.alternatives.map((a) => (
										<button key={a.id} type="button" class="small" onClick={() => swap(g, a)} title={roomLine(a)}>
											{t('useRoomInstead').replace('{room}', a.name)}</button>))}
								</div>) : <p class="note">{t('noAlternative')}</p>}
						</div>))}
				</div>)}
			{swapNote && <p class="note" role="status">{swapNote}</p>}
			{!readOnly && (
				<details class="find-room" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
					<summary>{t('findRoom')}</summary>
					<div class="grid room-filters">
						<div class="field">
							<label for="room-cap">{t('seatsAtLeast')}</label>
							<input id="room-cap" type="number" min="0" class="num" value={capacity} onKeyDown={noEnter}
								onInput={(e) => { setCapacity(e.currentTarget.value.replace(/[^0-9]/g, '')); setLimit(PAGE); }} />
						</div>
						{buildings.length > 0 && (
							<div class="field">
								<label for="room-bld">{t('roomBuilding')}</label>
								<select id="room-bld" value={building} onChange={(e) => { setBuilding(e.currentTarget.value); setLimit(PAGE); }}>
									<option value="">{t('anyBuilding')}</option>
									{buildings.map((b) => <option key={b} value={b}>{b}</option>)}
								</select>
							</div>)}
						{categories.length > 1 && (
							<div class="field">
								<label for="room-cat">{t('roomCategory')}</label>
								<select id="room-cat" value={category} onChange={(e) => { setCategory(e.currentTarget.value); setLimit(PAGE); }}>
									<option value="">{t('anyCategory')}</option>
									{categories.map((c) => <option key={c} value={c}>{codeText('category_', c)}</option>)}
								</select>
							</div>)}
					</div>
					{allTags.length > 0 && (
						<fieldset class="inner room-tags"><legend>{t('roomEquipment')}</legend>
							{allTags.map((tag) => (
								<label key={tag} class="check"><input type="checkbox" checked={tags.includes(tag)}
									onChange={(e) => toggleTag(tag, e.currentTarget.checked)} /> {tag}</label>))}
						</fieldset>)}
					{!win && <p class="note">{t('roomNeedTimes')}</p>}
					{found.error && <p class="error" role="alert">{found.error}</p>}
					<p class="note" role="status">{found.busy ? t('searchingRooms') : found.items && !found.items.length ? t('noFreeRoom') : ''}</p>
					{found.items && found.items.length > 0 && (
						<ul class="room-results" aria-label={t('freeRooms')}>
							{found.items.map((r) => (
								<li key={r.id}>
									<div><strong>{r.name}</strong>{r.rules && r.rules.approval && <span class="chip-note">{t('roomNeedsApproval')}</span>}</div>
									<div class="note">{roomLine(r)}</div>
									{roomIds.includes(r.id) ? <span class="note">{t('roomAdded')}</span>
										: <button type="button" class="small" onClick={() => add(r)}
											aria-label={t('addRoomNamed').replace('{room}', r.name)}>{t('add')}</button>}
								</li>))}
						</ul>)}
					{found.items && found.items.length >= limit && limit < 100 && (
						<button type="button" class="small" onClick={() => setLimit(Math.min(100, limit + PAGE))}>{t('loadMore')}</button>)}
				</details>)}
		</fieldset>
	);
}
