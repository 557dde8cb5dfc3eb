// FullCalendar (vanilla API) mounted on a ref: week and month views, one event source per
// visible calendar (re-added when its colour, role or the view's zone changes), and a handle
// so the page can refetch one calendar when its stream says it changed.
import { useEffect, useRef } from 'preact/hooks';
import { Calendar } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import interactionPlugin from '@fullcalendar/interaction';
import frLocale from '@fullcalendar/core/locales/fr';
import ruLocale from '@fullcalendar/core/locales/ru';
import { fetchOccurrences } from './model.js';
import { toWall } from './tz.js';

export function CalendarView(props) {
	const el = useRef();
	const fc = useRef(null);
	const live = useRef(props);
	live.current = props;
	const sources = useRef(new Map()); // calendar id -> key it was added with

	useEffect(() => {
		const c = new Calendar(el.current, {
			plugins: [dayGridPlugin, timeGridPlugin, interactionPlugin],
			locales: [frLocale, ruLocale],
			locale: props.lang || 'en',
			timeZone: 'UTC', // wall times of the view's zone, see tz.js
			now: () => new Date(toWall(Date.now(), live.current.viewTz)),
			initialView: 'timeGridWeek',
			headerToolbar: { left: 'prev,next today', center: 'title', right: 'timeGridWeek,dayGridMonth' },
			firstDay: 1,
			// 24-hour times, as the editor's inputs show them
			eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
			slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
			nowIndicator: true,
			contentHeight: 620,
			scrollTime: '08:00:00',
			selectable: !props.readOnly, // a guest's page: nothing to create by selecting
			selectMirror: true,
			editable: true,
			eventInteractive: true,
			select: (info) => { c.unselect(); live.current.onSelect(info); },
			eventClick: (info) => { info.jsEvent.preventDefault(); live.current.onEventClick(info.event); },
			eventDrop: (info) => live.current.onMove(info),
			eventResize: (info) => live.current.onMove(info),
			eventSourceFailure: (e) => live.current.onError(e),
			eventDidMount: (info) => {
				const o = info.event.extendedProps.occ;
				if (o && o.location) info.el.title = info.event.title + ' — ' + o.location;
			},
		});
		c.render();
		fc.current = c;
		props.handle.current = {
			refetch: (id) => { const s = c.getEventSourceById(id); if (s) s.refetch(); },
			refetchAll: () => c.refetchEvents(),
		};
		return () => { c.destroy(); fc.current = null; sources.current.clear(); };
	}, []);

	useEffect(() => { if (fc.current) fc.current.setOption('locale', props.lang || 'en'); }, [props.lang]);

	// one source per visible calendar
	useEffect(() => {
		const c = fc.current;
		if (!c) return;
		const want = new Map(props.calendars.map((cal) => [cal.id, [cal.colour, cal.role, props.viewTz].join('|')]));
		for (const [id, key] of sources.current) {
			if (want.get(id) !== key) {
				const s = c.getEventSourceById(id);
				if (s) s.remove();
				sources.current.delete(id);
			}
		}
		for (const cal of props.calendars) {
			if (sources.current.has(cal.id)) continue;
			const tz = props.viewTz;
			c.addEventSource({
				id: cal.id, color: cal.colour,
				events: (info, ok, fail) => (cal.fetch || fetchOccurrences)(cal, info, tz).then(ok, fail), // rooms bring their own
			});
			sources.current.set(cal.id, want.get(cal.id));
		}
		c.render(); // the "now" indicator follows the zone
	}, [props.calendars, props.viewTz]);

	return <div ref={el} class="fc-host" aria-label={props.label} role="region" />;
}
