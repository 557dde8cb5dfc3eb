// The "Rooms" part of the calendar sidebar: each room's schedule can be shown in the view
// (read-only). An account may have hundreds of rooms, so the list is filtered by a box and
// shown a page at a time, the rooms already shown first.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';
import { errText } from '../lib/ui.jsx';
import { roomCatalogue, roomColour } from './roomSchedule.js';

const PAGE = 8;

export function RoomsSection({ shown, onToggle }) {
	const [rooms, setRooms] = useState(null);
	const [err, setErr] = useState('');
	const [q, setQ] = useState('');
	const [count, setCount] = useState(PAGE);
	useEffect(() => { roomCatalogue().then(setRooms, (e) => setErr(errText(e))); }, []);

	const on = new Set(shown.map((r) => r.id));
	const needle = q.trim().toLowerCase();
	const match = (r) => !needle || [r.name, r.building, r.floor].some((x) => (x || '').toLowerCase().includes(needle));
	const all = rooms || [];
	const list = [...all.filter((r) => on.has(r.id)), ...all.filter((r) => !on.has(r.id))].filter(match);
	const page = list.slice(0, count);
	return (
		<section class="rooms-side" aria-labelledby="rooms-side-h">
			<h2 id="rooms-side-h">{t('roomSchedules')}</h2>
			{err && <p class="error" role="alert">{err}</p>}
			{rooms && !all.length && <p class="note">{t('noRooms')}</p>}
			{all.length > PAGE && (
				<input type="search" class="rooms-filter" aria-label={t('filterRooms')} placeholder={t('filterRooms')} value={q}
					onInput={(e) => { setQ(e.currentTarget.value); setCount(PAGE); }} />)}
			{rooms && all.length > 0 && !list.length && <p class="note">{t('noRoomMatchFilter')}</p>}
			<ul class="cal-list">
				{page.map((r) => (
					<li key={r.id} class="cal-item">
						<label class="check">
							<input type="checkbox" checked={on.has(r.id)} onChange={(e) => onToggle(r, e.currentTarget.checked)} />
							<span class="swatch" style={{ background: roomColour(r.id) }} aria-hidden="true" />
							<span class="cal-name">{r.name}</span>
							{(r.building || r.floor) && <span class="note">{[r.building, r.floor].filter(Boolean).join(' · ')}</span>}
						</label>
					</li>))}
			</ul>
			{list.length > count && (
				<button type="button" class="small" onClick={() => setCount(count + PAGE)}>
					{t('showMoreRooms').replace('{n}', String(list.length - count))}</button>)}
		</section>
	);
}
