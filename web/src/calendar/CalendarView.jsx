// FullCalendar (vanilla API) mounted on a ref: day, week, month and agenda (list) views, a
// crowded month day folding into "+N more", a phone layout (agenda first, the view buttons at the
// bottom), one event source per visible calendar (re-added when its colour, role or the view's
// zone changes), and a handle so the page can refetch one calendar when its stream says it changed.
// FullCalendar's markup is patched after each render where axe-core finds it lacking: its icons
// are decoration (the buttons have titles), a scroll area takes the keyboard focus, a day cell is
// not named after its number alone.
import { useEffect, useRef } from 'preact/hooks';
import { Calendar } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import interactionPlugin from '@fullcalendar/interaction';
import listPlugin from '@fullcalendar/list';
import frLocale from '@fullcalendar/core/locales/fr';
import ruLocale from '@fullcalendar/core/locales/ru';
import { fetchOccurrences } from './model.js';
import { toWall } from '../lib/tz.js';
import { t } from '../lib/i18n.js';

const PHONE_PX = 640;
const isPhone = () => window.innerWidth < PHONE_PX;
function toolbars(phone) {
	return phone
		? { headerToolbar: { left: 'prev,next', center: 'title', right: 'today' }, footerToolbar: { center: 'timeGridDay,listWeek,dayGridMonth' } }
		: { headerToolbar: { left: 'prev,next today', center: 'title', right: 'timeGridDay,timeGridWeek,dayGridMonth,listWeek' }, footerToolbar: false };
}
const viewTexts = () => ({ listWeek: { buttonText: t('viewAgenda') }, timeGridDay: { buttonText: t('viewDay') },
	timeGridWeek: { buttonText: t('viewWeek') }, dayGridMonth: { buttonText: t('viewMonth') } });

// what FullCalendar renders and axe-core refuses, put right after each render. The view grows to
// its full height inside one scroll area of ours (the view's harness, outside FullCalendar's grid,
// where a focusable element is allowed), so that the keyboard can scroll it too.
function patchMarkup(root) {
	root.querySelectorAll('.fc-icon').forEach((el) => { el.setAttribute('aria-hidden', 'true'); el.removeAttribute('role'); });
	const h = root.querySelector('.fc-view-harness');
	if (h && !h.hasAttribute('tabindex')) {
		h.setAttribute('tabindex', '0'); h.setAttribute('role', 'group'); h.setAttribute('aria-label', t('calendarScroll'));
	}
	// "+N more" opens a popover: a button that says whether it is open
	root.querySelectorAll('.fc-more-link, .fc-daygrid-more-link, .fc-timegrid-more-link').forEach((el) => el.setAttribute('role', 'button'));
	root.querySelectorAll('[role="gridcell"][aria-labelledby], td[aria-labelledby]').forEach((el) => el.removeAttribute('aria-labelledby'));
}

// a day or week view opens at 08:00 (FullCalendar's scrollTime needs its own scroller)
function scrollToMorning(root) {
	const h = root.querySelector('.fc-view-harness');
	const slot = root.querySelector('.fc-timegrid-slot[data-time="08:00:00"]');
	const head = root.querySelector('.fc-view-harness thead, .fc-view-harness .fc-col-header');
	if (!h || !slot) return;
	h.scrollTop += slot.getBoundingClientRect().top - h.getBoundingClientRect().top - (head ? head.getBoundingClientRect().height : 0);
}

export function CalendarView(props) {
	const el = useRef();
	const fc = useRef(null);
	const live = useRef(props);
	live.current = props;
	const sources = useRef(new Map()); // calendar id -> key it was added with

	useEffect(() => {
		const c = new Calendar(el.current, {
			plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin],
			locales: [frLocale, ruLocale],
			locale: props.lang || 'en',
			timeZone: 'UTC', // wall times of the view's zone, see tz.js
			now: () => new Date(toWall(Date.now(), live.current.viewTz)),
			initialView: isPhone() ? 'listWeek' : 'timeGridWeek',
			...toolbars(isPhone()),
			views: viewTexts(),
			height: 'auto', // one scroll area: the view's harness (style.css, patchMarkup)
			stickyHeaderDates: true,
			dayMaxEvents: 3, // "+N more" in a crowded month day
			windowResize: () => {
				const phone = isPhone();
				if (phone === c.__phone) return;
				c.__phone = phone;
				c.setOption('headerToolbar', toolbars(phone).headerToolbar);
				c.setOption('footerToolbar', toolbars(phone).footerToolbar);
				if (phone && c.view.type === 'timeGridWeek') c.changeView('listWeek');
			},
			datesSet: () => setTimeout(() => { if (el.current) { patchMarkup(el.current); scrollToMorning(el.current); } }, 0),
			eventsSet: () => setTimeout(() => el.current && patchMarkup(el.current), 0),
			firstDay: 1,
			// 24-hour times, as the editor's inputs show them
			eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
			slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
			nowIndicator: true,
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
		c.__phone = isPhone();
		c.render();
		patchMarkup(el.current);
		fc.current = c;
		props.handle.current = {
			refetch: (id) => { const s = c.getEventSourceById(id); if (s) s.refetch(); },
			refetchAll: () => c.refetchEvents(),
		};
		return () => { c.destroy(); fc.current = null; sources.current.clear(); };
	}, []);

	useEffect(() => {
		if (!fc.current) return;
		fc.current.setOption('locale', props.lang || 'en');
		fc.current.setOption('views', viewTexts());
	}, [props.lang]);

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

	return <div ref={el} class="fc-host" />;
}
