// Teams: the tree (from parent_id), creation under a parent, and for the selected team:
// rename/move, delete (after confirmation), its members (technicians, added through a search
// and removed with a button; administrators only) and the rights it enables.
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t, tOr } from '../lib/i18n.js';
import { Field, FormError, Link, Loading, Check, useForm, useLoad, confirmAction, UserPicker, MemberList } from '../lib/ui.jsx';
import { usePaged, MoreButton } from '../lib/paging.jsx';

function ParentSelect({ label, value, onChange, teams, exclude, error }) {
	return (
		<Field label={label} error={error}>{(id, d) =>
			<select id={id} aria-describedby={d} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
				<option value="">{t('noParent')}</option>
				{teams.filter((x) => x.id !== exclude).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
			</select>}
		</Field>
	);
}

function Tree({ teams, parent, selected, onSelect }) {
	const kids = teams.filter((x) => (x.parent_id || null) === parent).sort((a, b) => a.name.localeCompare(b.name));
	if (!kids.length) return null;
	return (
		<ul role={parent ? 'group' : undefined}>
			{kids.map((x) => (
				<li key={x.id}>
					<button type="button" class={selected === x.id ? 'primary' : ''} aria-pressed={selected === x.id ? 'true' : 'false'} onClick={() => onSelect(x.id)}>
						{x.name}</button> <span class="note">{x.member_count} {t('members').toLowerCase()}</span>
					<Tree teams={teams} parent={x.id} selected={selected} onSelect={onSelect} />
				</li>))}
		</ul>
	);
}

export function Teams({ ro }) {
	const all = useLoad(() => get('/api/v1/teams?limit=200'), []);
	const [sel, setSel] = useState(null);
	const [v, setV] = useState({ name: '', parent_id: '' });
	const f = useForm();
	const teams = (all.data && all.data.items) || [];
	const submit = (e) => {
		e.preventDefault();
		f.run(async () => { const x = await api('POST', '/api/v1/teams', { name: v.name, parent_id: v.parent_id || null }); setV({ name: '', parent_id: v.parent_id }); all.reload(); setSel(x.id); });
	};
	const team = teams.find((x) => x.id === sel);
	return (
		<section aria-labelledby="tm-h">
			<h1 id="tm-h">{t('teams')}</h1>
			{all.loading && !all.data ? <Loading /> : <>
				<FormError text={all.error} />
				<nav class="tree" aria-label={t('teams')}><Tree teams={teams} parent={null} selected={sel} onSelect={setSel} /></nav>
				{!teams.length && <p>{t('none')}</p>}
			</>}
			{team && <TeamDetail key={team.id + team.name + team.parent_id} team={team} teams={teams} ro={ro} onChanged={all.reload} onDeleted={() => { setSel(null); all.reload(); }} />}
			{!ro && <form class="panel" onSubmit={submit}>
				<h2>{t('create')}: {t('team')}</h2>
				<div class="grid">
					<Field label={t('name')} value={v.name} onInput={(x) => setV({ ...v, name: x })} error={f.errors.name} required />
					<ParentSelect label={t('parent')} value={v.parent_id} onChange={(x) => setV({ ...v, parent_id: x })} teams={teams} error={f.errors.parent_id} />
				</div>
				<FormError text={f.formError} />
				<button type="submit" class="primary" disabled={f.busy}>{t('create')}</button>
			</form>}
		</section>
	);
}

// the team whose detail was just saved: its detail is remounted (keyed by name) and says so
let savedTeam = '';

function TeamDetail({ team, teams, ro, onChanged, onDeleted }) {
	const [v, setV] = useState({ name: team.name, parent_id: team.parent_id || '' });
	const f = useForm();
	const submit = (e) => { e.preventDefault(); f.run(async () => { await api('PATCH', '/api/v1/teams/' + team.id, { name: v.name, parent_id: v.parent_id || null }); savedTeam = team.id; setSaved(true); onChanged(); }); };
	const [saved, setSaved] = useState(() => { const s = savedTeam === team.id; savedTeam = ''; return s; });
	async function del() {
		if (!(await confirmAction(`${t('del')} ${team.name}? ${t('areYouSure')}`, t('del')))) return;
		if (await f.run(async () => { await api('DELETE', '/api/v1/teams/' + team.id); return true; })) onDeleted();
	}
	return (
		<section class="panel" aria-labelledby="td-h">
			<h2 id="td-h">{team.name}</h2>
			{!ro && <form onSubmit={submit}>
				<div class="grid">
					<Field label={t('name')} value={v.name} onInput={(x) => setV({ ...v, name: x })} error={f.errors.name} required />
					<ParentSelect label={t('parent')} value={v.parent_id} onChange={(x) => setV({ ...v, parent_id: x })} teams={teams} exclude={team.id} error={f.errors.parent_id} />
				</div>
				<FormError text={f.formError} />
				{saved && <p role="status" class="ok">{t('saved')}</p>}
				<div class="row">
					<button type="submit" disabled={f.busy}>{t('save')}</button>
					<button type="button" class="danger" onClick={del} disabled={f.busy}>{t('del')}</button>
				</div>
			</form>}
			<TeamMembers id={team.id} ro={ro} onChanged={onChanged} />
			<TeamRights team={team} ro={ro} onSaved={onChanged} />
		</section>
	);
}

function TeamMembers({ id, ro, onChanged }) {
	const p = usePaged(`/api/v1/teams/${id}/members`, [id]);
	const url = (u) => `/api/v1/teams/${id}/members/${encodeURIComponent(u.id)}`;
	const changed = () => { p.reload(); onChanged(); };
	return (
		<div>
			<h3>{t('members')}</h3>
			{p.loading ? <Loading /> : <>
				<FormError text={p.error} />
				<MemberList items={p.items} ro={ro} onRemove={async (u) => { await api('DELETE', url(u)); changed(); }}>
					{(u) => <><Link href={'/users/' + u.id}>{u.display_name || u.email}</Link> <span class="note">— {u.email}</span></>}
				</MemberList>
				{!p.items.length && <p>{t('none')}</p>}
				<MoreButton p={p} />
			</>}
			{!ro && <UserPicker label={t('findTechnician')} role="technician" exclude={p.items.map((u) => u.id)}
				onAdd={async (u) => { await api('PUT', url(u)); changed(); }} />}
		</div>
	);
}

// the note beside a right: what it needs, and whether convene does it yet (GET /api/v1/rights used_by_convene)
export function rightNote(r, labels) {
	const needs = r.prerequisites.length ? `(${t('needs')} ${r.prerequisites.map((p) => labels[p] || p).join(', ')})` : '';
	return [needs, r.used_by_convene === false ? `(${t('rightNotYet')})` : ''].filter(Boolean).join(' ');
}

function TeamRights({ team, ro, onSaved }) {
	const cat = useLoad(() => get('/api/v1/rights'), []);
	const [held, setHeld] = useState(() => new Set(team.rights || []));
	const [msg, setMsg] = useState('');
	const f = useForm();
	if (cat.loading) return <Loading />;
	if (cat.error) return <FormError text={cat.error} />;
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		f.run(async () => { await api('PUT', `/api/v1/teams/${team.id}/rights`, { rights: [...held] }); setMsg(t('saved')); onSaved(); });
	};
	const labels = Object.fromEntries(cat.data.items.map((r) => [r.name, tOr('right_' + r.name, r.label)]));
	return (
		<form onSubmit={submit}>
			<h3>{t('rights')}</h3>
			<fieldset disabled={ro}>
				{cat.data.groups.map((g) => (
					<fieldset class="group" key={g.group}><legend>{tOr('rightgroup_' + g.group, g.label)}</legend>
						<div class="grid">{g.rights.map((r) => <Check key={r.name} label={labels[r.name] || r.name} checked={held.has(r.name)}
							note={rightNote(r, labels)}
							onChange={(on) => { const s = new Set(held); on ? s.add(r.name) : s.delete(r.name); setHeld(s); }} />)}</div>
					</fieldset>))}
			</fieldset>
			<FormError text={f.formError || f.errors.rights} />
			{msg && <p role="status" class="ok">{msg}</p>}
			{!ro && <button type="submit" class="primary" disabled={f.busy}>{t('saveRights')}</button>}
		</form>
	);
}
