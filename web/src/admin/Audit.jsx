// Audit log: filters by period (days of the user's time zone), person and action, and a free
// search; each entry says when (in the user's zone, named in the heading), who and how, what was
// done in words, to what, and each changed field as before → after. "Export CSV" downloads every
// entry the filters select (at most EXPORT_MAX, fetched a page at a time).
import { useState } from 'preact/hooks';
import { get, qs } from '../lib/api.js';
import { t, codeText } from '../lib/i18n.js';
import { Field, FormError, Loading, useLoad, errText } from '../lib/ui.jsx';
import { usePaged, MoreButton } from '../lib/paging.jsx';
import { when, userZone, dayStartUtc } from '../lib/time.js';
import { ACTIONS, actionText } from './auditActions.js';

const EXPORT_MAX = 5000;
const IGNORED = ['updated_at', 'etag', 'version'];
// field names people read, where the app has a word for them (others stay as the API names them)
const FIELDS = { display_name: 'name', name: 'name', email: 'email', role: 'role', status: 'status', capacity: 'capacity',
	building: 'building', floor: 'floor', equipment: 'equipment', description: 'description', company_ids: 'companies',
	rights: 'rights', time_zone: 'timeZone', colour: 'colour', summary: 'summary', location: 'location', parent_id: 'parent',
	team_ids: 'teamsManaged', category: 'roomCategory', language: 'prefsLanguage', attendee: 'attendees' };
// values that are codes, in words
const VALUES = { role: 'urole_', status: 'ustatus_', kind: 'device_', category: 'category_', language: 'lang_', partstat: 'partstat_' };
const fieldText = (k) => (FIELDS[k] ? t(FIELDS[k]) : k);

function valueText(v, field) {
	if (typeof v === 'string' && VALUES[field]) return codeText(VALUES[field], field === 'partstat' ? v.toLowerCase() : v);
	if (v === null || v === undefined || v === '') return '—';
	if (typeof v === 'boolean') return v ? t('yes') : t('no');
	if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : '—';
	if (typeof v === 'object') return JSON.stringify(v);
	const s = String(v);
	return s.length > 160 ? s.slice(0, 159) + '…' : s;
}

// [{field, before, after}] of what changed (a creation has no before, a deletion no after)
export function changes(o, n) {
	const obj = (x) => (x && typeof x === 'object' && !Array.isArray(x) ? x : x === null || x === undefined ? {} : { value: x });
	const a = obj(o), b = obj(n);
	const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
		.filter((k) => !IGNORED.includes(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
	return keys.map((k) => ({ field: fieldText(k), before: o == null ? null : valueText(a[k], k), after: n == null ? null : valueText(b[k], k) }));
}

function Changes({ list }) {
	if (!list.length) return null;
	return (
		<ul class="changes">
			{list.slice(0, 12).map((c) => (
				<li key={c.field}><span class="field-name">{c.field}</span>{': '}
					{c.before !== null && <span class="before">{c.before}</span>}
					{c.before !== null && c.after !== null && ' → '}
					{c.after !== null && <span class="after">{c.after}</span>}
				</li>))}
			{list.length > 12 && <li class="note">{t('andMore', { n: list.length - 12 })}</li>}
		</ul>
	);
}

const csvCell = (v) => {
	let s = String(v == null ? '' : v);
	if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // a spreadsheet must not run it as a formula
	return /[",\n\r;]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
};

async function exportCsv(query, setState) {
	setState({ busy: true, error: '', note: '' });
	try {
		const rows = [];
		let cursor = null;
		do {
			const d = await get('/api/v1/audit' + qs({ ...query, limit: 200, cursor }));
			rows.push(...d.items);
			cursor = d.next_cursor;
		} while (cursor && rows.length < EXPORT_MAX);
		const zone = userZone();
		const head = [`${t('when')} (${zone})`, t('who'), t('via'), t('action'), t('actionCode'), t('targetType'), t('target'), t('targetId'), t('change')];
		const lines = [head, ...rows.slice(0, EXPORT_MAX).map((a) => [when(a.at, true), a.actor && a.actor.label, codeText('via_', a.via),
			actionText(a.action), a.action, a.target && codeText('ttype_', a.target.type), a.target && a.target.label, a.target && a.target.id,
			changes(a.old, a.new).map((c) => `${c.field}: ${c.before ?? ''}${c.before !== null && c.after !== null ? ' → ' : ''}${c.after ?? ''}`).join('; ')])];
		const text = '\ufeff' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
		const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
		const a = document.createElement('a');
		a.href = url; a.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
		document.body.appendChild(a); a.click(); a.remove();
		setTimeout(() => URL.revokeObjectURL(url), 10000);
		setState({ busy: false, error: '', note: t('exportedN', { n: Math.min(rows.length, EXPORT_MAX) }) + (cursor ? ' ' + t('exportCut', { n: EXPORT_MAX }) : '') });
	} catch (e) { setState({ busy: false, error: errText(e), note: '' }); }
}

export function Audit() {
	const empty = { q: '', action: '', actor: '', from: '', to: '' };
	const [v, setV] = useState(empty);
	const [applied, setApplied] = useState(empty);
	const [exp, setExp] = useState({ busy: false, error: '', note: '' });
	const [local, setLocal] = useState('');
	const people = useLoad(() => get('/api/v1/users?limit=200').then((d) => d.items).catch(() => []), []);
	const query = { q: applied.q, action: applied.action, actor: applied.actor,
		since: applied.from ? dayStartUtc(applied.from) : '', until: applied.to ? dayStartUtc(applied.to, 1) : '' };
	const p = usePaged('/api/v1/audit' + qs(query), [JSON.stringify(query)]);
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const zone = userZone();
	const submit = (e) => {
		e.preventDefault(); setLocal('');
		if (v.from && v.to && v.to < v.from) { setLocal(t('periodBackwards')); return; }
		setApplied(v);
	};
	return (
		<section aria-labelledby="aud-h" class="audit">
			<h1 id="aud-h">{t('audit')}</h1>
			<form class="filters" role="search" aria-label={t('auditFilters')} onSubmit={submit}>
				<Field label={t('fromDate')} type="date" value={v.from} onInput={set('from')} />
				<Field label={t('toDate')} type="date" value={v.to} onInput={set('to')} error={local} />
				<Field label={t('person')}>{(id) =>
					<select id={id} value={v.actor} onChange={(e) => set('actor')(e.currentTarget.value)}>
						<option value="">{t('anyone')}</option>
						{(people.data || []).map((u) => <option key={u.id} value={u.id}>{u.display_name} ({u.email})</option>)}
					</select>}
				</Field>
				<Field label={t('action')}>{(id) =>
					<select id={id} value={v.action} onChange={(e) => set('action')(e.currentTarget.value)}>
						<option value="">{t('anyAction')}</option>
						{Object.entries(ACTIONS).map(([g, list]) => (
							<optgroup key={g} label={codeText('ttype_', g)}>
								<option value={g + '.'}>{t('allActionsOn', { what: codeText('ttype_', g) })}</option>
								{list.map((a) => <option key={a} value={`${g}.${a}`}>{actionText(`${g}.${a}`)}</option>)}
							</optgroup>))}
					</select>}
				</Field>
				<Field label={t('search')} type="search" value={v.q} onInput={set('q')} />
				<button type="submit">{t('search')}</button>
				<button type="button" onClick={() => exportCsv(query, setExp)} disabled={exp.busy}>{exp.busy ? t('loading') : t('exportCsv')}</button>
			</form>
			<FormError text={exp.error} />
			{exp.note && <p role="status" class="ok">{exp.note}</p>}
			{p.loading ? <Loading /> : <>
				<FormError text={p.error} />
				<table class="audit-table">
					<colgroup><col class="c-when" /><col class="c-who" /><col class="c-action" /><col class="c-target" /><col /></colgroup>
					<thead><tr><th scope="col">{t('when')} <span class="note">({zone})</span></th><th scope="col">{t('who')}</th><th scope="col">{t('action')}</th><th scope="col">{t('target')}</th><th scope="col">{t('change')}</th></tr></thead>
					<tbody>{p.items.map((a) => (
						<tr key={a.id}>
							<td><time datetime={a.at}>{when(a.at, true)}</time></td>
							<td>{a.actor && a.actor.label}<div class="note">{codeText('via_', a.via)}</div></td>
							<td>{actionText(a.action)}</td>
							<td>{a.target && <>{a.target.label || a.target.id}<div class="note">{codeText('ttype_', a.target.type)}</div></>}</td>
							<td><Changes list={changes(a.old, a.new)} /></td>
						</tr>))}
					</tbody>
				</table>
				{!p.items.length && <p>{t('none')}</p>}
				<MoreButton p={p} />
			</>}
		</section>
	);
}
