// The calendar list: mine, then those shared with me (with my role on each); a checkbox shows
// or hides each one, and a disclosure per calendar offers what my role allows; then the rooms,
// whose schedules can be shown too (RoomsSection.jsx).
import { t } from '../lib/i18n.js';
import { atLeast, calPath } from './model.js';
import { RoomsSection } from './RoomsSection.jsx';

function CalendarItem({ cal, shown, onToggle, onEdit, onShare, onImport }) {
	const manage = atLeast(cal.role, 'manager');
	return (
		<li class="cal-item">
			<label class="check">
				<input type="checkbox" checked={shown} onChange={(e) => onToggle(cal.id, e.currentTarget.checked)} />
				<span class="swatch" style={{ background: cal.colour }} aria-hidden="true" />
				<span class="cal-name">{cal.name}</span>
				{cal.role !== 'owner' && <span class="note">({t('role_' + cal.role)})</span>}
			</label>
			<details>
				<summary aria-label={`${t('options')}: ${cal.name}`}>{t('options')}</summary>
				<div class="cal-actions">
					{manage && <button type="button" class="small" onClick={() => onEdit(cal)}>{t('edit')}</button>}
					{manage && <button type="button" class="small" onClick={() => onShare(cal)}>{t('share')}</button>}
					{atLeast(cal.role, 'editor') && <button type="button" class="small" onClick={() => onImport(cal)}>{t('import')}</button>}
					<a class="small-link" href={calPath(cal.id) + '/export'} download>{t('export')}</a>
				</div>
			</details>
		</li>
	);
}

export function Sidebar({ cals, hidden, canOwn, onToggle, onNew, rooms, ...actions }) {
	const mine = cals.filter((c) => c.role === 'owner');
	const shared = cals.filter((c) => c.role !== 'owner');
	const list = (items) => (
		<ul class="cal-list">
			{items.map((c) => <CalendarItem key={c.id} cal={c} shown={!hidden.includes(c.id)} onToggle={onToggle} {...actions} />)}
		</ul>
	);
	return (
		<aside class="cal-side" aria-label={t('calendars')}>
			{(canOwn || mine.length > 0) && <h2 id="my-cals-h">{t('myCalendars')}</h2>}
			{mine.length ? list(mine) : canOwn && <p class="note">{t('none')}</p>}
			{canOwn && <button type="button" class="small" onClick={onNew}>{t('newCalendar')}</button>}
			<h2 id="shared-cals-h">{t('sharedWithMe')}</h2>
			{shared.length ? list(shared) : <p class="note">{t('none')}</p>}
			{rooms && <RoomsSection {...rooms} />}
		</aside>
	);
}
