// Users: the seats per module in use, a searchable list (q, role, company) with "load more", a
// creation form, and a user page to edit (with the modules the user holds), suspend/reactivate
// or delete (after confirmation), to set or reset the password
// (administrators), with the user's app passwords (revocable by administrators, read-only for
// the other readers).
import { useState } from 'preact/hooks';
import { api, get, qs } from '../lib/api.js';
import { t, codeText } from '../lib/i18n.js';
import { PasswordRule } from '../lib/PasswordRule.jsx';
import { AppPasswordList } from './Account.jsx';
import { usePaged, MoreButton } from '../lib/paging.jsx';
import { timeZones } from '../lib/tz.js';
import { Field, FormError, Link, Loading, Check, useForm, useLoad, confirmAction, navigate, errText } from '../lib/ui.jsx';

export const ROLES = ['admin', 'manager', 'api_manager', 'technician', 'member', 'guest', 'customer'];
export const MODULES = ['remote_support', 'service_desk'];
const MODULE_ROLES = ['admin', 'manager', 'technician']; // the roles that may hold modules

// the account's seats per module and how many are in use (GET /api/v1/account/seats)
function Seats() {
	const s = useLoad(() => get('/api/v1/account/seats'), []);
	if (s.error) return null; // a server without modules: nothing to show
	if (s.loading && !s.data) return <Loading />;
	return (
		<section class="panel" aria-labelledby="seats-h">
			<h2 id="seats-h">{t('seatsTitle')}</h2>
			<p class="note">{t('seatsIntro')}</p>
			<dl class="seats">{s.data.items.map((m) => <div key={m.module} id={'seats-' + m.module}>
				<dt>{codeText('module_', m.module)}</dt><dd>{t('seatsUsed', { used: m.used, seats: m.seats })}</dd>
			</div>)}</dl>
		</section>
	);
}

function useCompanies() {
	return useLoad(() => get('/api/v1/companies?limit=200'), []);
}

function NewUser({ companies, onCreated }) {
	const [v, setV] = useState({ email: '', display_name: '', role: 'member', company: '', password: '' });
	const [msg, setMsg] = useState('');
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		const body = { email: v.email, display_name: v.display_name, role: v.role };
		const cid = v.company || (companies[0] && companies[0].id);
		if (v.role !== 'admin' && cid) body.company_ids = [cid];
		if (v.password) body.password = v.password;
		setMsg('');
		f.run(async () => { const u = await api('POST', '/api/v1/users', body); setV({ ...v, email: '', display_name: '', password: '' }); setMsg(t('userCreated', { name: u.display_name })); onCreated(u); });
	};
	return (
		<form onSubmit={submit} class="panel" aria-labelledby="new-user-h">
			<h2 id="new-user-h">{t('newUser')}</h2>
			<div class="grid">
				<Field label={t('email')} type="email" value={v.email} onInput={set('email')} error={f.errors.email} required />
				<Field label={t('name')} value={v.display_name} onInput={set('display_name')} error={f.errors.display_name} required />
				<Field label={t('role')} error={f.errors.role}>{(id, d) =>
					<select id={id} aria-describedby={d} value={v.role} onChange={(e) => set('role')(e.currentTarget.value)}>
						{ROLES.map((r) => <option key={r} value={r}>{t('urole_' + r)}</option>)}
					</select>}
				</Field>
				<Field label={t('company')} error={f.errors.company_ids}>{(id, d) =>
					<select id={id} aria-describedby={d} value={v.company || (companies[0] && companies[0].id) || ''} onChange={(e) => set('company')(e.currentTarget.value)}>
						{companies.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
					</select>}
				</Field>
				<Field label={t('initialPassword')} type="password" value={v.password} onInput={set('password')} error={f.errors.password} hint={<PasswordRule />} autocomplete="new-password" />
			</div>
			<FormError text={f.formError} />
			{msg && <p role="status" class="ok">{msg}</p>}
			<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('loading') : t('create')}</button>
		</form>
	);
}

export function Users({ ro }) {
	const [q, setQ] = useState('');
	const [role, setRole] = useState('');
	const [company, setCompany] = useState('');
	const [applied, setApplied] = useState({ q: '', role: '', company: '' });
	const comps = useCompanies();
	const companies = (comps.data && comps.data.items) || [];
	const p = usePaged('/api/v1/users' + qs(applied), [applied.q, applied.role, applied.company]);
	const cname = (id) => (companies.find((c) => c.id === id) || { name: id }).name;
	return (
		<section aria-labelledby="users-h">
			<h1 id="users-h">{t('users')}</h1>
			<Seats />
			<form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setApplied({ q, role, company }); }}>
				<Field label={t('search')} type="search" value={q} onInput={setQ} />
				<Field label={t('role')}>{(id) =>
					<select id={id} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
						<option value="">{t('any')}</option>
						{ROLES.map((r) => <option key={r} value={r}>{t('urole_' + r)}</option>)}
					</select>}
				</Field>
				<Field label={t('company')}>{(id) =>
					<select id={id} value={company} onChange={(e) => setCompany(e.currentTarget.value)}>
						<option value="">{t('any')}</option>
						{companies.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
					</select>}
				</Field>
				<button type="submit">{t('search')}</button>
			</form>
			{p.loading ? <Loading /> : <>
				<FormError text={p.error} />
				<table>
					<thead><tr><th>{t('name')}</th><th>{t('email')}</th><th>{t('role')}</th><th>{t('status')}</th><th>{t('companies')}</th></tr></thead>
					<tbody>
						{p.items.map((u) => (
							<tr key={u.id}>
								<td><Link href={'/users/' + u.id}>{u.display_name}</Link></td>
								<td>{u.email}</td><td>{codeText('urole_', u.role)}</td><td>{codeText('ustatus_', u.status)}</td>
								<td>{(u.company_ids || []).map(cname).join(', ')}</td>
							</tr>))}
					</tbody>
				</table>
				{!p.items.length && <p>{t('none')}</p>}
				<MoreButton p={p} />
			</>}
			{!ro && <NewUser companies={companies} onCreated={() => p.reload()} />}
		</section>
	);
}

export function UserPage({ id, ro, me }) {
	const u = useLoad(() => get('/api/v1/users/' + encodeURIComponent(id)), [id]);
	const comps = useCompanies();
	const [saved, setSaved] = useState(''); // updated_at of the user this page just saved: the remounted form says so
	if (u.loading && !u.data) return <Loading />;
	if (u.error) return <><FormError text={u.error} /><Link href="/users">{t('back')}</Link></>;
	return <UserEdit key={u.data.updated_at} user={u.data} ro={ro} me={me} companies={(comps.data && comps.data.items) || []}
		saved={saved === u.data.updated_at} reload={(x) => { setSaved(x ? x.updated_at : ''); u.reload(); }} />;
}

function UserEdit({ user, ro, me, companies, reload, saved }) {
	const prefs = user.language !== undefined; // a server that keeps each user's language and zone
	const mods = Array.isArray(user.modules); // a server that has modules and seats
	const [v, setV] = useState({ email: user.email, display_name: user.display_name, role: user.role, company_ids: user.company_ids || [],
		...(prefs ? { language: user.language || '', time_zone: user.time_zone || '' } : {}), ...(mods ? { modules: user.modules } : {}) });
	const [msg, setMsg] = useState(saved ? t('saved') : '');
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const f = useForm();
	const patch = (body) => f.run(async () => { const x = await api('PATCH', '/api/v1/users/' + user.id, body); setMsg(t('saved')); reload(x); });
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		const body = prefs ? { ...v, language: v.language || null, time_zone: v.time_zone || null } : { ...v };
		// only an administrator gives modules, and a role that holds none gives its seats back by itself
		if (!mods || me.user.role !== 'admin' || !MODULE_ROLES.includes(v.role)) delete body.modules;
		patch(body);
	};
	const toggleModule = (m, on) => set('modules')(on ? [...v.modules.filter((x) => x !== m), m] : v.modules.filter((x) => x !== m));
	const toggleCompany = (cid, on) => set('company_ids')(on ? [...v.company_ids, cid] : v.company_ids.filter((x) => x !== cid));
	async function suspend() {
		const next = user.status === 'suspended' ? 'active' : 'suspended';
		if (next === 'suspended' && !(await confirmAction(t('suspend') + ' ' + user.display_name + '? ' + t('areYouSure'), t('suspend')))) return;
		patch({ status: next });
	}
	async function del() {
		if (!(await confirmAction(t('del') + ' ' + user.display_name + '? ' + t('areYouSure'), t('del')))) return;
		const ok = await f.run(async () => { await api('DELETE', '/api/v1/users/' + user.id); return true; });
		if (ok) navigate('/users');
	}
	return (
		<section aria-labelledby="user-h">
			<p><Link href="/users">← {t('users')}</Link></p>
			<h1 id="user-h">{user.display_name}</h1>
			<p>{t('status')}: <strong>{codeText('ustatus_', user.status)}</strong></p>
			<form onSubmit={submit} class="panel">
				<fieldset disabled={ro}>
					<div class="grid">
						<Field label={t('email')} type="email" value={v.email} onInput={set('email')} error={f.errors.email} required />
						<Field label={t('name')} value={v.display_name} onInput={set('display_name')} error={f.errors.display_name} required />
						<Field label={t('role')} error={f.errors.role}>{(id, d) =>
							<select id={id} aria-describedby={d} value={v.role} onChange={(e) => set('role')(e.currentTarget.value)}>
								{ROLES.map((r) => <option key={r} value={r}>{t('urole_' + r)}</option>)}
							</select>}
						</Field>
						{prefs && <Field label={t('prefsLanguage')} error={f.errors.language}>{(id, d) =>
							<select id={id} aria-describedby={d} value={v.language} onChange={(e) => set('language')(e.currentTarget.value)}>
								<option value="">{t('asOrganisation')}</option>
								{['en', 'fr', 'ru'].map((l) => <option key={l} value={l} lang={l}>{codeText('langself_', l)}</option>)}
							</select>}
						</Field>}
						{prefs && <Field label={t('timeZone')} error={f.errors.time_zone}>{(id, d) =>
							<select id={id} aria-describedby={d} value={v.time_zone} onChange={(e) => set('time_zone')(e.currentTarget.value)}>
								<option value="">{t('asOrganisation')}</option>
								{timeZones([v.time_zone]).map((z) => <option key={z} value={z}>{z}</option>)}
							</select>}
						</Field>}
					</div>
					<fieldset class="inner"><legend>{t('companies')}</legend>
						{companies.map((c) => <label class="check" key={c.id}><input type="checkbox" checked={v.company_ids.includes(c.id)} onChange={(e) => toggleCompany(c.id, e.currentTarget.checked)} /> {c.name}</label>)}
						{f.errors.company_ids && <div class="error" role="alert">{f.errors.company_ids}</div>}
					</fieldset>
					{mods && <fieldset class="inner" id="user-modules" disabled={me.user.role !== 'admin' || !MODULE_ROLES.includes(v.role)}><legend>{t('modules')}</legend>
						{MODULES.map((m) => <Check key={m} label={codeText('module_', m)} checked={MODULE_ROLES.includes(v.role) && v.modules.includes(m)} onChange={(on) => toggleModule(m, on)} />)}
						{!MODULE_ROLES.includes(v.role) && <p class="note">{t('modulesRoleNote')}</p>}
						{f.errors.modules && <div class="error" role="alert">{f.errors.modules}</div>}
					</fieldset>}
				</fieldset>
				<FormError text={f.formError || f.errors.status} />
				{msg && <p role="status">{msg}</p>}
				{!ro && <div class="row">
					<button type="submit" class="primary" disabled={f.busy}>{t('save')}</button>
					{user.id !== me.user.id && <button type="button" onClick={suspend} disabled={f.busy}>{user.status === 'suspended' ? t('activate') : t('suspend')}</button>}
					{user.id !== me.user.id && <button type="button" class="danger" onClick={del} disabled={f.busy}>{t('del')}</button>}
				</div>}
			</form>
			{me.user.role === 'admin' && user.id !== me.user.id && <PasswordPanel user={user} />}
			<section class="panel" aria-labelledby="user-apw-h">
				<h2 id="user-apw-h">{t('appPasswords')}</h2>
				<p class="note">{t('userAppPasswordsIntro')}</p>
				<AppPasswordList base={'/api/v1/users/' + encodeURIComponent(user.id) + '/app-passwords'} ro={ro} />
			</section>
		</section>
	);
}

// An administrator sets a user's password, makes a one-time one (shown once; the user must
// change it at the next sign-in) or mails a reset link (POST /api/v1/users/{id}/password). Setting
// or making one ends the user's sessions and revokes their app passwords, so it asks first.
function PasswordPanel({ user }) {
	const [pw, setPw] = useState('');
	const [mustChange, setMustChange] = useState(true);
	const [made, setMade] = useState('');
	const [msg, setMsg] = useState('');
	const [copied, setCopied] = useState(false);
	const f = useForm();
	const url = '/api/v1/users/' + encodeURIComponent(user.id) + '/password';
	const name = user.display_name || user.email;
	const clear = () => { setMsg(''); setMade(''); setCopied(false); };
	const set = async (e) => {
		e.preventDefault(); clear();
		if (!(await confirmAction(t('pwSetConfirm', { name }), t('pwSet')))) return;
		f.run(async () => {
			await api('POST', url, { action: 'set', password: pw, must_change_password: mustChange });
			setPw(''); setMsg(mustChange ? t('pwSetDoneChange') : t('pwSetDone'));
		});
	};
	async function generate() {
		clear();
		if (!(await confirmAction(t('pwSetConfirm', { name }), t('pwGenerate')))) return;
		f.run(async () => { const r = await api('POST', url, { action: 'generate' }); setMade(r.password); });
	}
	function sendLink() {
		clear();
		f.run(async () => {
			const r = await api('POST', url, { action: 'send_link' });
			const held = r.mail && r.mail.state !== 'queued';
			setMsg(t(held ? 'pwLinkWaiting' : 'pwLinkSent', { email: r.email || user.email }) + (held && r.mail.detail ? ' ' + r.mail.detail : ''));
		});
	}
	const copy = async () => {
		try { await navigator.clipboard.writeText(made); setCopied(true); }
		catch { getSelection().selectAllChildren(document.getElementById('one-time-password')); }
	};
	return (
		<section class="panel" aria-labelledby="user-pw-h">
			<h2 id="user-pw-h">{t('password')}</h2>
			<p class="note">{t('pwPanelIntro')}</p>
			<form onSubmit={set} class="filters">
				<input type="text" autocomplete="username" value={user.email} readOnly hidden />
				<Field label={t('newPassword')} type="password" value={pw} onInput={setPw} error={f.errors.password} hint={<PasswordRule />} autocomplete="new-password" required />
				<Check label={t('pwMustChange')} checked={mustChange} onChange={setMustChange} />
				<button type="submit" class="primary" disabled={f.busy}>{t('pwSet')}</button>
			</form>
			<div class="row">
				<button type="button" onClick={generate} disabled={f.busy}>{t('pwGenerate')}</button>
				<button type="button" onClick={sendLink} disabled={f.busy}>{t('pwSendLink')}</button>
			</div>
			<FormError text={f.formError || f.errors.action} />
			{msg && <p role="status" class="ok">{msg}</p>}
			{made && <div class="once">
				<p><strong>{t('pwOneTime')}</strong></p>
				<p class="secret" id="one-time-password">{made}</p>
				<p role="alert">{t('pwOneTimeNote', { name })}</p>
				<div class="row">
					<button type="button" onClick={copy}>{t('copy')}</button>
					{copied && <span role="status" class="ok">{t('copied')}</span>}
				</div>
			</div>}
		</section>
	);
}
