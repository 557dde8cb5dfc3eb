// Audit log: search (q, action) with "load more"; each entry shows who did what, how, to what,
// and the changed values.
import { useState } from 'preact/hooks';
import { qs } from './api.js';
import { t } from './i18n.js';
import { Field, FormError, Loading } from './ui.jsx';
import { usePaged, MoreButton } from './users.jsx';

function diff(o, n) {
	if (!o && !n) return '';
	if (!o || !n) return JSON.stringify(o || n);
	const keys = [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k]) && k !== 'updated_at');
	return keys.map((k) => `${k}: ${JSON.stringify(o[k])} → ${JSON.stringify(n[k])}`).join('; ');
}

export function Audit() {
	const [q, setQ] = useState('');
	const [action, setAction] = useState('');
	const [applied, setApplied] = useState({ q: '', action: '' });
	const p = usePaged('/api/v1/audit' + qs(applied), [applied.q, applied.action]);
	return (
		<section aria-labelledby="aud-h">
			<h1 id="aud-h">{t('audit')}</h1>
			<form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setApplied({ q, action }); }}>
				<Field label={t('search')} type="search" value={q} onInput={setQ} />
				<Field label={t('action')} value={action} onInput={setAction} placeholder="user.create" />
				<button type="submit">{t('search')}</button>
			</form>
			{p.loading ? <Loading /> : <>
				<FormError text={p.error} />
				<table>
					<thead><tr><th>{t('when')}</th><th>{t('who')}</th><th>{t('action')}</th><th>{t('target')}</th><th>{t('change')}</th></tr></thead>
					<tbody>{p.items.map((a) => (
						<tr key={a.id}>
							<td>{a.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')}</td>
							<td>{a.actor && a.actor.label}<div class="note">{a.via}</div></td>
							<td><code>{a.action}</code></td>
							<td>{a.target && `${a.target.type}: ${a.target.label || a.target.id || ''}`}</td>
							<td class="note">{diff(a.old, a.new).slice(0, 300)}</td>
						</tr>))}
					</tbody>
				</table>
				{!p.items.length && <p>{t('none')}</p>}
				<MoreButton p={p} />
			</>}
		</section>
	);
}
