// The paging of list pages: list endpoints answer {items, next_cursor}; usePaged loads the first
// page and appends the next on "load more", and MoreButton is that button (hidden at the end).
import { useState } from 'preact/hooks';
import { get } from './api.js';
import { t } from './i18n.js';
import { useLoad, errText } from './ui.jsx';

export function usePaged(url, deps) {
	const [extra, setExtra] = useState({ items: [], cursor: undefined, busy: false, error: '' });
	const first = useLoad(async () => { setExtra({ items: [], cursor: undefined, busy: false, error: '' }); return get(url); }, deps);
	const items = first.data ? [...first.data.items, ...extra.items] : [];
	const cursor = extra.cursor !== undefined ? extra.cursor : first.data && first.data.next_cursor;
	async function more() {
		setExtra((x) => ({ ...x, busy: true, error: '' }));
		try {
			const sep = url.includes('?') ? '&' : '?';
			const d = await get(url + sep + 'cursor=' + encodeURIComponent(cursor));
			setExtra((x) => ({ items: [...x.items, ...d.items], cursor: d.next_cursor, busy: false, error: '' }));
		} catch (e) { setExtra((x) => ({ ...x, busy: false, error: errText(e) })); }
	}
	// tzid: the zone a page of room bookings gives its times in (the same on every page)
	return { items, cursor, more, loading: first.loading, error: first.error || extra.error, busy: extra.busy, reload: first.reload,
		tzid: first.data && first.data.tzid };
}

export function MoreButton({ p }) {
	if (!p.cursor) return null;
	return <button type="button" onClick={p.more} disabled={p.busy}>{p.busy ? t('loading') : t('loadMore')}</button>;
}
