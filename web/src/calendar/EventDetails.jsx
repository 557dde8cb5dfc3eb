// An event as a page to read, for those who may not change it (guests, viewers): title, when (in
// the view's zone, named), where, rooms, organizer, attendees with their answers, description —
// text, not a greyed-out form.
import { t, codeText, currentLanguage } from '../lib/i18n.js';
import { apiInstant, parseFields, DAY } from '../lib/tz.js';

function whenText(src, viewTz) {
	const lang = currentLanguage();
	if (src.all_day) {
		const f = new Intl.DateTimeFormat(lang, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
		const s = parseFields(src.start), e = parseFields(src.end) - DAY;
		return e > s ? `${f.format(s)} – ${f.format(e)}` : f.format(s);
	}
	const s = apiInstant(src.start, src.tzid), e = apiInstant(src.end, src.tzid);
	const day = new Intl.DateTimeFormat(lang, { timeZone: viewTz, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
	const time = new Intl.DateTimeFormat(lang, { timeZone: viewTz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
	const same = day.format(s) === day.format(e);
	return `${day.format(s)}, ${time.format(s)} – ${same ? '' : day.format(e) + ', '}${time.format(e)} (${viewTz})`;
}

export function EventDetails({ occ, ev, viewTz, roomNames }) {
	const src = { ...(ev || {}), ...occ }; // the occurrence's own times and summary
	const people = ((ev && ev.attendees) || occ.attendees || []).filter((a) => a.type !== 'room');
	const organizer = (ev && ev.organizer) || occ.organizer;
	return (
		<article class="event-details" aria-label={src.summary || t('untitled')}>
			<h3>{src.summary || t('untitled')}</h3>
			<dl>
				<dt>{t('eventWhen')}</dt><dd>{whenText(src, viewTz)}</dd>
				{src.location && <><dt>{t('location')}</dt><dd>{src.location}</dd></>}
				{roomNames && <><dt>{t('eventRoomsRo')}</dt><dd>{roomNames}</dd></>}
				{organizer && <><dt>{t('organizerLabel')}</dt><dd>{typeof organizer === 'string' ? organizer : organizer.name || organizer.email}</dd></>}
				{people.length > 0 && <><dt>{t('attendees')}</dt><dd><ul class="plain">
					{people.map((a) => <li key={a.email}>{a.name || a.email}{a.partstat && <span class="note"> — {codeText('partstat_', a.partstat)}</span>}</li>)}
				</ul></dd></>}
				{src.description && <><dt>{t('description')}</dt><dd class="pre">{src.description}</dd></>}
			</dl>
		</article>
	);
}
