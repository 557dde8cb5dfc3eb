// Managers: three tabs (administrators, team managers, API managers) with search, and the
// manager page: login settings, teams managed, the rights editor (prerequisites shown; the
// server's 422 detail when one is missing; dependents removed with a prerequisite listed),
// effective rights for a team, and the manager's applications with "revoke selected".
import { useState } from 'preact/hooks';
import { api, get, qs } from '../lib/api.js';
import { t, tOr, codeText } from '../lib/i18n.js';
import { Field, FormError, Link, Loading, Check, useForm, useLoad } from '../lib/ui.jsx';
import { usePaged, MoreButton } from '../lib/paging.jsx';
import { AppTable } from './Apps.jsx';
import { rightNote } from './Teams.jsx';

const TABS = ['administrators', 'team_managers', 'api_managers'];

export function Managers() {
	const [tab, setTab] = useState(() => new URLSearchParams(location.search).get('tab') || 'administrators');
	const [q, setQ] = useState('');
	const [applied, setApplied] = useState('');
	const p = usePaged('/api/v1/managers' + qs({ tab, q: applied }), [tab, applied]);
	const choose = (x) => { setTab(x); history.replaceState(null, '', '/managers?tab=' + x); };
	const onKey = (e) => {
		const i = TABS.indexOf(tab);
		const n = e.key === 'ArrowRight' ? (i + 1) % 3 : e.key === 'ArrowLeft' ? (i + 2) % 3 : -1;
		if (n >= 0) { choose(TABS[n]); e.currentTarget.parentNode.children[n].focus(); }
	};
	return (
		<section aria-labelledby="mgr-h">
			<h1 id="mgr-h">{t('managers')}</h1>
			<div class="tabs" role="tablist" aria-label={t('managers')}>
				{TABS.map((x) => <button key={x} type="button" role="tab" id={'tab-' + x} aria-selected={tab === x ? 'true' : 'false'}
					tabIndex={tab === x ? 0 : -1} onKeyDown={onKey} onClick={() => choose(x)}>{t(x)}</button>)}
			</div>
			<div role="tabpanel" aria-labelledby={'tab-' + tab}>
				<form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setApplied(q); }}>
					<Field label={t('search')} type="search" value={q} onInput={setQ} />
					<button type="submit">{t('search')}</button>
				</form>
				{p.loading ? <Loading /> : <>
					<FormError text={p.error} />
					<table>
						<thead><tr><th>{t('name')}</th><th>{t('email')}</th><th>{t('rights')}</th><th>{t('teams')}</th></tr></thead>
						<tbody>{p.items.map((m) => (
							<tr key={m.id}>
								<td><Link href={'/managers/' + m.id}>{m.display_name}</Link></td>
								<td>{m.email}</td><td>{(m.rights || []).length}</td><td>{m.team_count}</td>
							</tr>))}
						</tbody>
					</table>
					{!p.items.length && <p>{t('none')}</p>}
					<MoreButton p={p} />
				</>}
			</div>
		</section>
	);
}

export function ManagerPage({ id, ro }) {
	const m = useLoad(() => get('/api/v1/managers/' + encodeURIComponent(id)), [id]);
	if (m.loading && !m.data) return <Loading />;
	if (m.error) return <><FormError text={m.error} /><Link href="/managers">{t('back')}</Link></>;
	const d = m.data;
	return (
		<section aria-labelledby="mp-h">
			<p><Link href={'/managers?tab=' + d.tab}>← {t('managers')}</Link></p>
			<h1 id="mp-h">{d.user.display_name}</h1>
			<p>{d.user.email} · {codeText('urole_', d.user.role)} · <Link href={'/users/' + d.user.id}>{t('edit')}</Link></p>
			<LoginSettings id={id} initial={d.login_settings} ro={ro} />
			{d.tab === 'team_managers' && <TeamsManaged id={id} teams={d.teams} ro={ro} onSaved={m.reload} />}
			<RightsEditor id={id} rights={d.rights} ro={ro} />
			{d.tab === 'team_managers' && <EffectiveRights id={id} />}
			{d.user.role !== 'manager' && <ManagerApps id={id} ro={ro} />}
		</section>
	);
}

function LoginSettings({ id, initial, ro }) {
	const [v, setV] = useState(initial);
	const [msg, setMsg] = useState('');
	const f = useForm();
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		f.run(async () => { const r = await api('PATCH', `/api/v1/managers/${id}/login-settings`, v); if (r && r.login_settings) setV(r.login_settings); setMsg(t('saved')); });
	};
	return (
		<form class="panel" onSubmit={submit} aria-labelledby="ls-h">
			<h2 id="ls-h">{t('loginSettings')}</h2>
			<fieldset disabled={ro}>
				{['force_password_change', 'allow_password_reset', 'force_email_validation'].map((k) =>
					<Check key={k} label={t(k)} checked={!!v[k]} onChange={(x) => setV({ ...v, [k]: x })} />)}
			</fieldset>
			<FormError text={f.formError || Object.values(f.errors)[0]} />
			{msg && <p role="status" class="ok">{msg}</p>}
			{!ro && <button type="submit" disabled={f.busy}>{t('save')}</button>}
		</form>
	);
}

function TeamsManaged({ id, teams, ro, onSaved }) {
	const all = useLoad(() => get('/api/v1/teams?limit=200'), []);
	const [sel, setSel] = useState(() => teams.filter((x) => x.direct).map((x) => x.id));
	const [msg, setMsg] = useState('');
	const f = useForm();
	const via = new Set(teams.filter((x) => !x.direct).map((x) => x.id));
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		f.run(async () => { await api('PUT', `/api/v1/managers/${id}/teams`, { team_ids: sel }); setMsg(t('saved')); onSaved(); });
	};
	const items = (all.data && all.data.items) || [];
	return (
		<form class="panel" onSubmit={submit} aria-labelledby="tm-h">
			<h2 id="tm-h">{t('teamsManaged')}</h2>
			{all.loading ? <Loading /> : <fieldset disabled={ro}>
				{items.map((x) => <Check key={x.id} label={x.name} checked={sel.includes(x.id)} note={via.has(x.id) && !sel.includes(x.id) ? '(' + t('parent') + ')' : ''}
					onChange={(on) => setSel(on ? [...sel, x.id] : sel.filter((y) => y !== x.id))} />)}
				{!items.length && <p>{t('none')}</p>}
			</fieldset>}
			<FormError text={f.formError || f.errors.team_ids || all.error} />
			{msg && <p role="status" class="ok">{msg}</p>}
			{!ro && <button type="submit" disabled={f.busy}>{t('save')}</button>}
		</form>
	);
}

function RightsEditor({ id, rights, ro }) {
	const [held, setHeld] = useState(() => new Set(rights.held));
	const [removed, setRemoved] = useState([]);
	const [msg, setMsg] = useState('');
	const f = useForm();
	const labels = {};
	rights.groups.forEach((g) => g.rights.forEach((r) => { labels[r.name] = tOr('right_' + r.name, r.label); }));
	const toggle = (name, on) => { const s = new Set(held); on ? s.add(name) : s.delete(name); setHeld(s); };
	const submit = (e) => {
		e.preventDefault(); setMsg(''); setRemoved([]);
		f.run(async () => {
			const r = await api('PUT', `/api/v1/managers/${id}/rights`, { rights: [...held] });
			setHeld(new Set(r.held)); setRemoved(r.removed_dependents || []); setMsg(t('saved'));
		});
	};
	const err = f.errors.rights || f.formError;
	return (
		<form class="panel" onSubmit={submit} aria-labelledby="rights-h">
			<h2 id="rights-h">{t('rights')}</h2>
			{rights.all && <p class="note">{t('allRights')}</p>}
			<fieldset disabled={ro || rights.all}>
				{rights.groups.map((g) => (
					<fieldset class="group" key={g.group}>
						<legend>{tOr('rightgroup_' + g.group, g.label)}</legend>
						<div class="grid">
							{g.rights.map((r) => <Check key={r.name} label={labels[r.name]} checked={rights.all || held.has(r.name)} onChange={(on) => toggle(r.name, on)}
								note={rightNote(r, labels)} />)}
						</div>
					</fieldset>))}
			</fieldset>
			{err && <div class="error form-error" role="alert" id="rights-error">{err}</div>}
			{msg && <p role="status" class="ok">{msg}</p>}
			{removed.length > 0 && <p role="status" class="removed">{t('removedDependents')} {removed.map((n) => labels[n] || n).join(', ')}</p>}
			{!ro && !rights.all && <button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('loading') : t('saveRights')}</button>}
		</form>
	);
}

function EffectiveRights({ id }) {
	const teams = useLoad(() => get('/api/v1/teams?limit=200'), []);
	const [team, setTeam] = useState('');
	const eff = useLoad(() => (team ? get(`/api/v1/managers/${id}/effective-rights?team=${encodeURIComponent(team)}`) : Promise.resolve(null)), [team]);
	return (
		<section class="panel" aria-labelledby="eff-h">
			<h2 id="eff-h">{t('effectiveRights')}</h2>
			<Field label={t('team')}>{(fid) =>
				<select id={fid} value={team} onChange={(e) => setTeam(e.currentTarget.value)}>
					<option value="">—</option>
					{((teams.data && teams.data.items) || []).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
				</select>}
			</Field>
			{team && (eff.loading ? <Loading /> : eff.error ? <FormError text={eff.error} /> : eff.data && (
				<table>
					<thead><tr><th>{t('rights')}</th><th>{t('status')}</th></tr></thead>
					<tbody>{eff.data.items.map((r) => <tr key={r.name}><td>{tOr('right_' + r.name, r.label)}</td><td>{codeText('effstatus_', r.status)}</td></tr>)}</tbody>
				</table>))}
		</section>
	);
}

function ManagerApps({ id, ro }) {
	const p = usePaged('/api/v1/apps' + qs({ owner: id }), [id]);
	return (
		<section class="panel" aria-labelledby="ma-h">
			<h2 id="ma-h">{t('applications')}</h2>
			{p.loading ? <Loading /> : <><FormError text={p.error} /><AppTable items={p.items} ro={ro} onRevoked={p.reload} /><MoreButton p={p} /></>}
		</section>
	);
}
