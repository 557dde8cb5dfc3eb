// The support history (/support, "History"): sessions closed and open of the companies one may
// see, newest first, searched by customer name, e-mail or question and filtered by state; each
// row leads to its transcript page (/support/history/{id}).
import { useState } from 'preact/hooks';
import { get, qs } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { FormError, Link, Loading, useLoad } from '../lib/ui.jsx';
import './strings.js';

const STATES = ['', 'waiting', 'active', 'offline', 'closed'];

export function History() {
	const [q, setQ] = useState('');
	const [state, setState] = useState('');
	const [search, setSearch] = useState({ q: '', state: '' });
	const [pages, setPages] = useState([]); // cursors of the pages after the first
	const cursor = pages[pages.length - 1];
	const page = useLoad(() => get('/api/v1/support/sessions' + qs({ ...search, cursor, limit: 50 })), [search, cursor]);
	const submit = (e) => { e.preventDefault(); setPages([]); setSearch({ q: q.trim(), state }); };
	return (
		<section aria-labelledby="hist-h" class="panel">
			<h2 id="hist-h">{t('supHistory')}</h2>
			<form class="row" role="search" onSubmit={submit}>
				<label>{t('supHistorySearch')} <input type="search" maxLength={200} value={q} onInput={(e) => setQ(e.target.value)} /></label>
				<label>{t('supHistoryState')} <select value={state} onChange={(e) => setState(e.target.value)}>
					{STATES.map((s) => <option key={s} value={s}>{s ? t('supState_' + s) : t('supHistoryAny')}</option>)}
				</select></label>
				<button type="submit">{t('supHistoryFind')}</button>
			</form>
			<FormError text={page.error} />
			{page.loading ? <Loading /> : page.data && (page.data.items.length ? (
				<ul class="queue">
					{page.data.items.map((s) => (
						<li key={s.id}>
							<Link href={'/support/history/' + s.id}><strong>{s.customer_name}</strong></Link>{' '}
							<span class="note">{s.customer_email} · {t('supState_' + s.state)} · {new Date(s.created_at * 1000).toLocaleString()}</span>
							{s.question && <div class="queue-question">{s.question}</div>}
						</li>
					))}
				</ul>
			) : <p>{t('supHistoryNone')}</p>)}
			<div class="row">
				{pages.length > 0 && <button type="button" onClick={() => setPages((p) => p.slice(0, -1))}>{t('supHistoryNewer')}</button>}
				{page.data && page.data.next_cursor && <button type="button" onClick={() => setPages((p) => [...p, page.data.next_cursor])}>{t('supHistoryOlder')}</button>}
			</div>
		</section>
	);
}
