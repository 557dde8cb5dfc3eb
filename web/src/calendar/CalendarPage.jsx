// The Calendar page: the sidebar of my and shared calendars, the week/month view in the zone
// of my default calendar (or the one chosen), live refresh through the calendars' and shown rooms' streams, and
// the dialogs (event, calendar, sharing, import). Dragging a single event PATCHes it with
// If-Match; if it changed meanwhile (412) the view reloads and says so. A guest gets it read-only
// (whatever the share's role) with the private feed addresses to subscribe to (Subscribe.jsx).
// /calendar?calendar={id} opens on that calendar (a conference's schedule, from its page): shown,
// in its time zone, the one new events go to; fetched by id when my list does not hold it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, get, ApiError } from '../lib/api.js';
import { t, currentLanguage } from '../lib/i18n.js';
import './strings.js';
import { FormError, Loading, useLoad, errText } from '../lib/ui.jsx';
import { Sidebar } from './Sidebar.jsx';
import { CalendarView } from './CalendarView.jsx';
import { EventEditor } from './EventEditor.jsx';
import { CalendarForm } from './CalendarForm.jsx';
import { ShareDialog } from './ShareDialog.jsx';
import { ImportDialog } from './ImportDialog.jsx';
import { Subscribe, readOnlyCalendars } from './Subscribe.jsx';
import { atLeast, apiTime, calPath } from './model.js';
import { useStreams } from './useStreams.js';
import { useShownRooms, roomCalendars, ROOM_SOURCE } from './roomSchedule.js';
import { browserZone, timeZones, toWall } from '../lib/tz.js';

const HOUR = 3600000;
const hiddenKey = (uid) => 'convene.hidden-calendars.' + uid;
function readHidden(uid) {
	try { return JSON.parse(localStorage.getItem(hiddenKey(uid)) || '[]'); } catch { return []; }
}

export function CalendarPage({ me }) {
	const canOwn = !['guest', 'customer'].includes(me.user.role);
	const guest = me.user.role === 'guest'; // a read-only page, and the feeds to subscribe to
	const [focusId] = useState(() => new URLSearchParams(location.search).get('calendar') || '');
	const cals = useLoad(async () => {
		const d = await get('/api/v1/calendars');
		if (!focusId || d.items.some((c) => c.id === focusId)) return d;
		try { return { ...d, items: [...d.items, await get(calPath(focusId))] }; } catch { return d; }
	}, []);
	const [hidden, setHidden] = useState(() => readHidden(me.user.id));
	const [tz, setTz] = useState('');
	const [dialog, setDialog] = useState(null);
	const [note, setNote] = useState('');
	const handle = useRef({});
	const items = useMemo(() => {
		const all = (cals.data && cals.data.items) || [];
		return guest ? readOnlyCalendars(all) : all;
	}, [cals.data]);
	const def = items.find((c) => c.is_default && c.role === 'owner');
	const focused = focusId ? items.find((c) => c.id === focusId) : null;
	useEffect(() => {
		if (!focused) return;
		if (hidden.includes(focused.id)) toggle(focused.id, true);
		setTz((z) => z || focused.time_zone || '');
	}, [focused && focused.id]);
	const viewTz = tz || (def && def.time_zone) || browserZone();
	const visible = useMemo(() => items.filter((c) => !hidden.includes(c.id)), [cals.data, hidden]);
	const refetch = (id) => handle.current.refetch && handle.current.refetch(id);
	// rooms' schedules shown beside the calendars (read-only sources, see roomSchedule.js)
	const [shownRooms, toggleRoom] = useShownRooms(me.user.id);
	const sources = useMemo(() => (canOwn ? [...visible, ...roomCalendars(shownRooms)] : visible), [visible, shownRooms]);
	useStreams(sources, refetch);
	const refetchRooms = () => shownRooms.forEach((r) => refetch(ROOM_SOURCE + r.id));

	function toggle(id, on) {
		const next = on ? hidden.filter((x) => x !== id) : [...hidden, id];
		setHidden(next);
		try { localStorage.setItem(hiddenKey(me.user.id), JSON.stringify(next)); } catch { /* private mode */ }
	}
	function writable() {
		const w = items.filter((c) => atLeast(c.role, 'editor'));
		if (focused && atLeast(focused.role, 'editor')) return focused;
		return w.find((c) => c === def && !hidden.includes(c.id)) || w.find((c) => !hidden.includes(c.id)) || w[0];
	}
	function newEvent(start, end, allDay) {
		const cal = writable();
		if (!cal) { setNote(t('noWritable')); return; }
		setNote('');
		setDialog({ kind: 'event', target: { mode: 'new', calendarId: cal.id, start, end, allDay } });
	}
	function newEventNow() {
		const now = toWall(Date.now(), viewTz);
		const start = Math.ceil(now / HOUR) * HOUR;
		newEvent(start, start + HOUR, false);
	}
	function open(ev) {
		const { occ, calendarId, busy } = ev.extendedProps;
		if (busy) { setNote(ev.extendedProps.note || t('busyOnly')); return; }
		setNote('');
		setDialog({ kind: 'event', target: { mode: 'edit', calendarId, occ } });
	}
	async function move(info) {
		const e = info.event;
		const { occ, calendarId } = e.extendedProps;
		const allDay = e.allDay;
		const tzid = allDay ? null : occ.all_day ? viewTz : occ.tzid;
		const body = { start: apiTime(e.start, viewTz, tzid, allDay) };
		if (e.end) body.end = apiTime(e.end, viewTz, tzid, allDay);
		if (allDay !== !!occ.all_day) { body.all_day = allDay; if (!allDay) body.tzid = viewTz; }
		setNote('');
		try {
			await api('PATCH', calPath(calendarId) + '/events/' + encodeURIComponent(occ.event_id), body, { 'If-Match': occ.etag });
			setNote(t('moved'));
		} catch (x) {
			info.revert();
			setNote(x instanceof ApiError && x.status === 412 ? t('changedElsewhere') : errText(x));
		}
		refetch(calendarId);
	}
	const close = () => setDialog(null);
	const calSaved = (saved) => { close(); cals.reload(); if (saved === null) refetch(''); setNote(saved === null ? t('calendarDeleted') : t('saved')); };

	if (cals.loading && !cals.data) return <Loading />;
	return (
		<section class="calpage" aria-labelledby="cal-h">
			<h1 id="cal-h">{t('calendar')}</h1>
			<FormError text={cals.error} />
			<div class="cal-layout">
				<Sidebar cals={items} hidden={hidden} canOwn={canOwn} onToggle={toggle}
					onNew={() => setDialog({ kind: 'calendar', cal: null })}
					onEdit={(c) => setDialog({ kind: 'calendar', cal: c })}
					onShare={(c) => setDialog({ kind: 'share', cal: c })}
					onImport={(c) => setDialog({ kind: 'import', cal: c })}
					rooms={canOwn ? { shown: shownRooms, onToggle: toggleRoom } : null} />
				<div class="cal-main">
					<div class="row cal-tools">
						{!guest && <button type="button" class="primary" onClick={newEventNow}>{t('newEvent')}</button>}
						<label for="view-tz">{t('viewTimeZone')}</label>
						<select id="view-tz" value={viewTz} onChange={(e) => setTz(e.currentTarget.value)}>
							{timeZones([viewTz]).map((z) => <option key={z} value={z}>{z}</option>)}
						</select>
						<span role="status" class="cal-note">{note}</span>
					</div>
					<CalendarView calendars={sources} viewTz={viewTz} lang={currentLanguage()} handle={handle} readOnly={guest}
						onSelect={(i) => newEvent(i.start.valueOf(), i.end.valueOf(), i.allDay)}
						onEventClick={open} onMove={move} onError={(e) => setNote(errText(e))} />
				</div>
			</div>
			{guest && <Subscribe cals={items} email={me.user.email} />}
			{dialog && dialog.kind === 'event' && <EventEditor target={dialog.target} calendars={items} viewTz={viewTz} me={me}
				onClose={close} onSaved={(id, msg) => { close(); refetch(id); refetchRooms(); setNote(msg || ''); }} />}
			{dialog && dialog.kind === 'calendar' && <CalendarForm cal={dialog.cal} defaultTz={viewTz} onClose={close} onSaved={calSaved} />}
			{dialog && dialog.kind === 'share' && <ShareDialog cal={dialog.cal} me={me} onClose={close} />}
			{dialog && dialog.kind === 'import' && <ImportDialog cal={dialog.cal} onClose={close} onDone={refetch} />}
		</section>
	);
}
