// The event dialog: create (from a selected slot or the New event button), edit or delete an
// event; for an occurrence of a series the change or deletion applies to "this occurrence"
// (PUT/DELETE …/occurrences/{recurrence_id}) or "the whole series" (PATCH/DELETE with If-Match).
// Times are edited as wall times of the event's zone; only fields the user changed are sent on
// edits, so a rule or attendee list the editor cannot show is left as it is. Rooms are not in
// the attendee list: they are chosen in the rooms panel and sent as room_ids (only when changed).
import { useEffect, useState } from 'preact/hooks';
import { api, get, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, Loading, useForm, confirmAction, errText } from '../lib/ui.jsx';
import { Dialog } from './Dialog.jsx';
import { RecurrenceFields } from './RecurrenceFields.jsx';
import { FindTime } from './FindTime.jsx';
import { EventDetails } from './EventDetails.jsx';
import { RoomsPanel, ROOMS_ENABLED } from './RoomsPanel.jsx';
import { roomCatalogue } from './roomSchedule.js';
import { atLeast, calPath } from './model.js';
import { parseRule, buildRule, emptyRecurrence, weekdayOf } from './rrule.js';
import { parseFields, isoDate, isoTime, timeZones, DAY } from '../lib/tz.js';

const SHOWN = ['summary', 'location', 'description', 'start', 'end', 'tzid', 'all_day', 'rrule', 'attendees', 'class', 'calendar'];

// API times (wall times of tzid, "…Z" or dates) -> form values
function timesOf(src, fallbackTz) {
	const allDay = !!src.all_day;
	const tzid = src.tzid || (allDay || !src.start.endsWith('Z') ? fallbackTz : 'UTC');
	const s = parseFields(src.start), e = parseFields(src.end);
	return { allDay, tzid, startDate: isoDate(s), startTime: isoTime(s), endDate: isoDate(allDay ? Math.max(s, e - DAY) : e), endTime: isoTime(e) };
}

function formOf(src, fallbackTz, withRule) {
	const tm = timesOf(src, fallbackTz);
	return {
		...tm,
		summary: src.summary || '', location: src.location || '', description: src.description || '',
		klass: src.class || 'public',
		attendees: (src.attendees || []).filter((a) => !ROOMS_ENABLED || a.type !== 'room').map((a) => a.email).join('\n'),
		rec: withRule ? parseRule(src.rrule, tm.startDate, tm.tzid, tm.allDay) : emptyRecurrence(tm.startDate),
	};
}

// form -> {start, end, tzid?, all_day} as the API reads them
function apiTimes(v) {
	if (v.allDay) return { start: v.startDate, end: isoDate(parseFields(v.endDate) + DAY), all_day: true };
	const z = v.tzid === 'UTC' ? 'Z' : '';
	return { start: `${v.startDate}T${v.startTime}:00${z}`, end: `${v.endDate}T${v.endTime}:00${z}`, tzid: z ? null : v.tzid, all_day: false };
}

const emails = (s) => s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
const sameTimes = (a, b) => JSON.stringify(apiTimes(a)) === JSON.stringify(apiTimes(b));
const roomAttendees = (ev) => ((ev && ev.attendees) || []).filter((a) => a.type === 'room');

// the rooms an event invites, as room ids, and what each said (pending, declined)
async function roomsOf(ev) {
	const att = roomAttendees(ev);
	if (!ROOMS_ENABLED || !att.length) return { ids: [], states: {}, names: '' };
	const all = await roomCatalogue(true);
	const ids = [], states = {};
	for (const a of att) {
		const r = all.find((x) => (x.email || '').toLowerCase() === (a.email || '').toLowerCase());
		if (!r) continue;
		ids.push(r.id);
		if (a.partstat === 'needs-action') states[r.id] = 'pending';
		else if (a.partstat === 'declined') states[r.id] = 'declined';
	}
	return { ids, states, names: ids.map((id) => all.find((x) => x.id === id).name).join(', ') };
}

// what the rooms did with a saved event, for the page's status line
function bookingNote(res) {
	if (!res || !Array.isArray(res.bookings)) return '';
	const pending = res.bookings.filter((b) => b.status === 'pending').map((b) => b.room);
	const declined = Array.isArray(res.declined) ? res.declined.length : 0;
	const out = [];
	if (pending.length) out.push(t('savedRoomPending').replace('{rooms}', pending.join(', ')));
	if (declined) out.push(t('savedRoomDeclined').replace('{n}', String(declined)));
	return out.join(' ');
}

export function EventEditor({ target, calendars, viewTz, onClose, onSaved, me }) {
	const isNew = target.mode === 'new';
	const occ = target.occ;
	const series = !isNew && occ.recurring && occ.recurrence_id;
	const [calId, setCalId] = useState(target.calendarId);
	const cal = calendars.find((c) => c.id === calId) || { role: 'none' };
	const canWrite = atLeast(cal.role, 'editor');
	const [ev, setEv] = useState(null); // the event as loaded (edits)
	const [loadErr, setLoadErr] = useState('');
	const [scope, setScope] = useState(series ? 'occurrence' : 'series');
	const [v, setV] = useState(null);
	const [initial, setInitial] = useState(null);
	const [rooms, setRooms] = useState([]);
	const [initialRooms, setInitialRooms] = useState({ ids: [], states: {}, names: '' });
	const [conflict, setConflict] = useState(null);
	const [note, setNote] = useState('');
	const [picked, setPicked] = useState('');
	const f = useForm();

	function reset(src, sc, event) {
		const fv = sc === 'occurrence' ? formOf(occ, viewTz, false) : formOf(src, viewTz, true);
		if (sc === 'occurrence') fv.klass = event ? event.class : fv.klass;
		setV(fv); setInitial(fv);
	}
	async function load(sc) {
		setLoadErr('');
		try {
			const e = await get(calPath(target.calendarId) + '/events/' + encodeURIComponent(occ.event_id));
			const rm = await roomsOf(e).catch(() => ({ ids: [], states: {}, names: '' }));
			setRooms(rm.ids); setInitialRooms(rm);
			setEv(e); reset(e, sc, e);
		} catch (e) { setLoadErr(errText(e)); }
	}
	useEffect(() => {
		if (isNew) {
			const s = target.start, e = target.end;
			const fv = {
				summary: '', location: '', description: '', klass: 'public', attendees: '', allDay: target.allDay, tzid: viewTz,
				startDate: isoDate(s), startTime: isoTime(s),
				endDate: isoDate(target.allDay ? Math.max(s, e - DAY) : e), endTime: isoTime(e),
				rec: emptyRecurrence(isoDate(s)),
			};
			setV(fv); setInitial(fv);
		} else load(scope);
	}, []);

	if (loadErr) return <Dialog title={t('event')} onClose={onClose}><FormError text={loadErr} /></Dialog>;
	if (!v) return <Dialog title={t('event')} onClose={onClose}><Loading /></Dialog>;

	const set = (k) => (x) => setV((o) => {
		const n = { ...o, [k]: x };
		// keep the end after the start when the start moves
		if ((k === 'startDate' || k === 'startTime') && o.endDate) {
			const len = parseFields(`${o.endDate}T${o.endTime || '00:00'}`) - parseFields(`${o.startDate}T${o.startTime || '00:00'}`);
			const ns = parseFields(`${n.startDate}T${n.startTime || '00:00'}`);
			if (!isNaN(ns) && len >= 0) { n.endDate = isoDate(ns + len); n.endTime = isoTime(ns + len); }
		}
		// (also before "weekly" is chosen, so that it starts from the start's weekday)
		if (k === 'startDate' && (o.rec.freq === 'WEEKLY' || !o.rec.freq) && o.rec.byday.length === 1 && o.rec.byday[0] === weekdayOf(o.startDate))
			n.rec = { ...o.rec, byday: [weekdayOf(x)] };
		return n;
	});
	const occScope = scope === 'occurrence';
	// a meeting made at a calendar provider (calendar sync) is changed there, never here
	const external = (ev && ev.external) || (occ && occ.external) || null;
	const ro = !canWrite || !!external;
	const evPath = ev ? calPath(calId) + '/events/' + encodeURIComponent(ev.id) : '';
	const ifMatch = ev ? { 'If-Match': ev.etag } : undefined;

	function attendeesBody() {
		const old = (ev && ev.attendees) || [];
		return emails(v.attendees).map((email) => {
			const a = old.find((x) => x.email === email.toLowerCase());
			return a ? { email: a.email, name: a.name || undefined, role: a.role, partstat: a.partstat, type: a.type, rsvp: a.rsvp } : { email };
		});
	}

	async function call(fn) {
		setNote(''); setConflict(null);
		return f.run(async () => {
			try { return await fn(); }
			catch (e) {
				if (e instanceof ApiError && e.status === 412) { // someone changed it meanwhile
					await load(scope);
					setNote(t('changedElsewhere'));
					return undefined;
				}
				if (e instanceof ApiError && e.status === 409 && e.body.conflicts) { // shown by the rooms panel
					setConflict(e.body);
					return undefined;
				}
				throw e;
			}
		});
	}

	const submit = (e) => {
		e.preventDefault();
		call(async () => {
			const times = apiTimes(v);
			const timesDirty = !sameTimes(v, initial);
			const rule = buildRule(v.rec, v.tzid, v.allDay);
			let body, res;
			if (isNew) {
				body = { summary: v.summary, ...times, class: v.klass };
				if (body.tzid === null) delete body.tzid;
				if (v.location) body.location = v.location;
				if (v.description) body.description = v.description;
				if (rule) body.rrule = rule;
				if (emails(v.attendees).length) body.attendees = attendeesBody();
				if (ROOMS_ENABLED && rooms.length) body.room_ids = rooms;
				res = await api('POST', calPath(calId) + '/events', body);
			} else if (occScope) {
				body = { summary: v.summary, location: v.location, description: v.description };
				if (timesDirty) { body.start = times.start; body.end = times.end; }
				res = await api('PUT', evPath + '/occurrences/' + encodeURIComponent(occ.recurrence_id), body, ifMatch);
			} else {
				body = { summary: v.summary, location: v.location, description: v.description };
				if (v.klass !== initial.klass) body.class = v.klass;
				if (timesDirty) { Object.assign(body, times); if (v.allDay) delete body.tzid; }
				if (rule !== buildRule(initial.rec, initial.tzid, initial.allDay)) body.rrule = rule || null;
				if (emails(v.attendees).join(',') !== emails(initial.attendees).join(',')) body.attendees = attendeesBody();
				const roomsDirty = rooms.join(',') !== initialRooms.ids.join(',');
				// attendees sent without room_ids would drop the rooms, so both go together
				if (ROOMS_ENABLED && (roomsDirty || body.attendees)) body.room_ids = rooms;
				// a location that only named the old rooms is left to the server, which names the new ones
				if (roomsDirty && v.location === initial.location && (!v.location || v.location === initialRooms.names)) delete body.location;
				res = await api('PATCH', evPath, body, ifMatch);
			}
			onSaved(calId, bookingNote(res) || (isNew ? t('eventCreated') : t('eventSaved')));
			return true;
		});
	};

	async function del() {
		const what = occScope ? t('deleteOccurrence') : series ? t('deleteSeries') : t('deleteEvent');
		if (!(await confirmAction(what + ' ' + t('areYouSure'), t('del')))) return;
		call(async () => {
			if (occScope) await api('DELETE', evPath + '/occurrences/' + encodeURIComponent(occ.recurrence_id), undefined, ifMatch);
			else await api('DELETE', evPath, undefined, ifMatch);
			onSaved(calId, t('eventDeleted'));
			return true;
		});
	}

	// guests and viewers read the event as text
	if (ro && !isNew) return (
		<Dialog title={t('eventDetails')} onClose={onClose} wide>
			{external && <p class="note external-event" role="note">{t('externalEvent_' + external)}</p>}
			<EventDetails occ={occ} ev={ev} viewTz={viewTz} roomNames={initialRooms.names} />
			<div class="row"><button type="button" onClick={onClose}>{t('close')}</button></div>
		</Dialog>
	);

	const minutes = v.allDay ? 0 : Math.round((parseFields(`${v.endDate}T${v.endTime}`) - parseFields(`${v.startDate}T${v.startTime}`)) / 60000);
	function pickTime(times, room) {
		setV((o) => ({ ...o, ...times }));
		if (room && !rooms.length) setRooms([room.id]);
		setNote('');
		setPicked(`${times.startDate} ${times.startTime}–${times.endTime}`);
	}

	const orphan = Object.entries(f.errors).filter(([k]) => !SHOWN.includes(k)).map(([k, d]) => `${k}: ${d}`).join(' ');
	const writable = calendars.filter((c) => atLeast(c.role, 'editor'));
	const title = isNew ? t('newEvent') : ro ? t('eventDetails') : t('editEvent');
	return (
		<Dialog title={title} onClose={onClose} wide>
			<form onSubmit={submit} class="event-form">
				{series && (
					<fieldset class="inner scope"><legend>{ro ? t('show') : t('applyTo')}</legend>
						<label class="check"><input type="radio" name="scope" checked={occScope}
							onChange={() => { setScope('occurrence'); reset(ev, 'occurrence', ev); }} /> {t('thisOccurrence')}</label>
						<label class="check"><input type="radio" name="scope" checked={!occScope}
							onChange={() => { setScope('series'); reset(ev, 'series', ev); }} /> {t('wholeSeries')}</label>
					</fieldset>)}
				<fieldset disabled={ro}>
					{isNew && (
						<Field label={t('calendar')} error={f.errors.calendar}>{(id, d) =>
							<select id={id} aria-describedby={d} value={calId} onChange={(e) => setCalId(e.currentTarget.value)}>
								{writable.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
							</select>}
						</Field>)}
					<Field label={t('summary')} value={v.summary} onInput={set('summary')} error={f.errors.summary} />
					<Field label={t('location')} value={v.location} onInput={set('location')} error={f.errors.location} />
					<fieldset class="inner when"><legend>{t('when')}</legend>
						<label class="check"><input type="checkbox" checked={v.allDay} disabled={occScope}
							onChange={(e) => set('allDay')(e.currentTarget.checked)} /> {t('allDay')}</label>
						<div class="grid times">
							<Field label={t('startDate')} type="date" value={v.startDate} onInput={set('startDate')} error={f.errors.start || f.errors.all_day} required />
							{!v.allDay && <Field label={t('startTime')} type="time" value={v.startTime} onInput={set('startTime')} required />}
							<Field label={t('endDate')} type="date" value={v.endDate} onInput={set('endDate')} error={f.errors.end} required />
							{!v.allDay && <Field label={t('endTime')} type="time" value={v.endTime} onInput={set('endTime')} required />}
						</div>
						{!v.allDay && (
							<Field label={t('timeZone')} error={f.errors.tzid}>{(id, d) =>
								<select id={id} aria-describedby={d} value={v.tzid} disabled={occScope} onChange={(e) => set('tzid')(e.currentTarget.value)}>
									{timeZones([v.tzid]).map((z) => <option key={z} value={z}>{z}</option>)}
								</select>}
							</Field>)}
					</fieldset>
					{!ro && !v.allDay && me && <FindTime me={me} emails={emails(v.attendees)} startDate={v.startDate} minutes={minutes} tzid={v.tzid} onPick={pickTime} />}
					{picked && <p class="note" role="status">{t('findTimePicked', { slot: picked })}</p>}
					{!occScope && <RecurrenceFields r={v.rec} onChange={set('rec')} error={f.errors.rrule} />}
					{!occScope && (
						<Field label={t('attendees')} error={f.errors.attendees} hint={t('attendeesHint')}>{(id, d) =>
							<textarea id={id} aria-describedby={d} rows="2" value={v.attendees} onInput={(e) => set('attendees')(e.currentTarget.value)} />}
						</Field>)}
					{!occScope && (
						<Field label={t('visibility')} error={f.errors.class}>{(id, d) =>
							<select id={id} aria-describedby={d} value={v.klass} onChange={(e) => set('klass')(e.currentTarget.value)}>
								<option value="public">{t('public')}</option>
								<option value="private">{t('private')}</option>
								{v.klass === 'confidential' && <option value="confidential">{t('confidential')}</option>}
							</select>}
						</Field>)}
					<Field label={t('description')} error={f.errors.description}>{(id, d) =>
						<textarea id={id} aria-describedby={d} rows="3" value={v.description} onInput={(e) => set('description')(e.currentTarget.value)} />}
					</Field>
					{/* ROOMS PANEL: see RoomsPanel.jsx; gets the times, the chosen rooms and a 409's conflicts/alternatives */}
					<RoomsPanel start={v.startDate + 'T' + v.startTime} end={v.endDate + 'T' + v.endTime} tzid={v.tzid} allDay={v.allDay}
						roomIds={rooms} onChange={setRooms} conflict={conflict} calTz={cal.time_zone} states={initialRooms.states}
						readOnly={ro || occScope} />
				</fieldset>
				<FormError text={f.formError || orphan} />
				{note && <p class="error" role="alert">{note}</p>}
				<div class="row">
					{!ro && <button type="submit" class="primary" disabled={f.busy}>{isNew ? t('create') : t('save')}</button>}
					<button type="button" onClick={onClose}>{ro ? t('close') : t('cancel')}</button>
					{!ro && !isNew && <button type="button" class="danger" onClick={del} disabled={f.busy}>
						{occScope ? t('deleteOccurrence') : t('del')}</button>}
				</div>
			</form>
		</Dialog>
	);
}
