// The signed-in user's own account page (/account, for every role): change the password, and
// app passwords for calendar apps (create with a label -> the secret shown once with a copy
// button and the CalDAV address; list with the last use; revoke after confirmation). The list
// (AppPasswordList) is also the "App passwords" panel of a user's page in the admin center.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { timeZones } from '../lib/tz.js';
import { t, codeText } from '../lib/i18n.js';
import { PasswordRule } from '../lib/PasswordRule.jsx';
import { Field, FormError, Loading, useForm, useLoad, confirmAction } from '../lib/ui.jsx';
import { when, userZone } from '../lib/time.js';


function OwnPassword() {
	const [cur, setCur] = useState('');
	const [pw, setPw] = useState('');
	const [done, setDone] = useState(false);
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		setDone(false);
		f.run(async () => {
			await api('POST', '/api/v1/me/password', { current_password: cur, new_password: pw });
			setCur(''); setPw(''); setDone(true);
		});
	};
	return (
		<form class="panel" onSubmit={submit} aria-labelledby="pw-h">
			<h2 id="pw-h">{t('changePassword')}</h2>
			<div class="grid">
				<Field label={t('currentPassword')} type="password" value={cur} onInput={setCur} error={f.errors.current_password} autocomplete="current-password" required />
				<Field label={t('newPassword')} type="password" value={pw} onInput={setPw} error={f.errors.new_password} hint={<PasswordRule />} autocomplete="new-password" required />
			</div>
			<FormError text={f.formError} />
			{done && <p role="status" class="ok">{t('passwordChanged')}</p>}
			<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('loading') : t('changePassword')}</button>
		</form>
	);
}

function Made({ made, onDone }) {
	const [copied, setCopied] = useState(false);
	const url = location.origin + (made.dav_path || '/dav/');
	const copy = async () => {
		try { await navigator.clipboard.writeText(made.password); setCopied(true); }
		catch { getSelection().selectAllChildren(document.getElementById('app-password-secret')); }
	};
	return (
		<section class="panel" aria-labelledby="apw-made-h">
			<h2 id="apw-made-h">{made.label}</h2>
			<p><strong>{t('appPassword')}:</strong></p>
			<p class="secret" id="app-password-secret">{made.password}</p>
			<p role="alert"><strong>{t('appPasswordOnce')}</strong></p>
			<dl class="apw-setup">
				<dt>{t('caldavServer')}</dt><dd><code id="app-password-url">{url}</code></dd>
				<dt>{t('username')}</dt><dd><code id="app-password-user">{made.username}</code></dd>
			</dl>
			<div class="row">
				<button type="button" onClick={copy}>{t('copy')}</button>
				{copied && <span role="status" class="ok">{t('copied')}</span>}
				<button type="button" class="primary" onClick={onDone}>{t('done')}</button>
			</div>
		</section>
	);
}

// AppPasswordList: the app passwords at base (GET base, DELETE base/{id}) as a table of
// label, creation and last use (time and client); a Revoke button each, after
// confirmation, unless ro. reloadKey: a change makes it load the list again.
export function AppPasswordList({ base, ro, reloadKey }) {
	const list = useLoad(() => api('GET', base), [base, reloadKey]);
	const rf = useForm();
	async function revoke(p) {
		if (!(await confirmAction(`${t('revokeAppPassword')} “${p.label}”? ${t('appPasswordRevokeNote')}`, t('revoke')))) return;
		const ok = await rf.run(async () => { await api('DELETE', base + '/' + p.id); return true; });
		if (ok) list.reload();
	}
	const items = (list.data && list.data.items) || [];
	return <>
		{list.loading && !list.data ? <Loading /> : <FormError text={list.error} />}
		{list.data && (items.length ? (
			<table aria-label={t('appPasswords')}>
				<thead><tr><th>{t('appPasswordLabel')}</th><th>{t('created')} <span class="note">({userZone()})</span></th><th>{t('lastUsed')}</th>{!ro && <th><span class="sr">{t('actions')}</span></th>}</tr></thead>
				<tbody>{items.map((p) => (
					<tr key={p.id}>
						<td>{p.label}</td>
						<td>{when(p.created_at)}</td>
						<td>{p.last_used_at ? <>{when(p.last_used_at)}{p.last_user_agent && <div class="note">{p.last_user_agent}</div>}</> : t('neverUsed')}</td>
						{!ro && <td><button type="button" class="danger" onClick={() => revoke(p)} disabled={rf.busy} aria-label={`${t('revoke')} ${p.label}`}>{t('revoke')}</button></td>}
					</tr>))}
				</tbody>
			</table>
		) : <p>{t('noAppPasswords')}</p>)}
		<FormError text={rf.formError} />
	</>;
}

function AppPasswords() {
	const [label, setLabel] = useState('');
	const [made, setMade] = useState(null);
	const [madeCount, setMadeCount] = useState(0);
	const f = useForm();
	const create = (e) => {
		e.preventDefault();
		f.run(async () => { const p = await api('POST', '/api/v1/me/app-passwords', { label }); setMade(p); setLabel(''); setMadeCount((n) => n + 1); });
	};
	return (
		<section class="panel" aria-labelledby="apw-h">
			<h2 id="apw-h">{t('appPasswords')}</h2>
			<p class="note">{t('appPasswordsIntro')}</p>
			{made ? <Made made={made} onDone={() => setMade(null)} /> : (
				<form onSubmit={create} class="row">
					<Field label={t('appPasswordLabel')} value={label} onInput={setLabel} error={f.errors.label} hint={t('appPasswordLabelHint')} required />
					<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('loading') : t('createAppPassword')}</button>
				</form>
			)}
			<FormError text={f.formError} />
			<AppPasswordList base="/api/v1/me/app-passwords" reloadKey={madeCount} />
		</section>
	);
}

// the user's own language and time zone (PATCH /api/v1/me); empty: as the organisation says
function Preferences({ me, onChanged }) {
	const [v, setV] = useState({ language: me.user.language || '', time_zone: me.user.time_zone || '' });
	const [msg, setMsg] = useState('');
	const f = useForm();
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		f.run(async () => {
			await api('PATCH', '/api/v1/me', { language: v.language || null, time_zone: v.time_zone || null });
			savedPrefs = true;
			await onChanged();
		});
	};
	const [saved] = useState(() => { const s = savedPrefs; savedPrefs = false; return s; });
	return (
		<form class="panel" onSubmit={submit} aria-labelledby="prefs-h">
			<h2 id="prefs-h">{t('prefsTitle')}</h2>
			<div class="grid">
				<Field label={t('prefsLanguage')} error={f.errors.language}>{(id, d) =>
					<select id={id} aria-describedby={d} value={v.language} onChange={(e) => { setV({ ...v, language: e.currentTarget.value }); setMsg(''); }}>
						<option value="">{t('prefsAsOrganisation')}</option>
						{['en', 'fr', 'ru'].map((l) => <option key={l} value={l} lang={l}>{codeText('langself_', l)}</option>)}
					</select>}
				</Field>
				<Field label={t('timeZone')} error={f.errors.time_zone}>{(id, d) =>
					<select id={id} aria-describedby={d} value={v.time_zone} onChange={(e) => { setV({ ...v, time_zone: e.currentTarget.value }); setMsg(''); }}>
						<option value="">{t('prefsAsOrganisation')}</option>
						{timeZones([v.time_zone]).map((z) => <option key={z} value={z}>{z}</option>)}
					</select>}
				</Field>
			</div>
			<p class="note">{t('prefsNow', { lang: codeText('langself_', me.language), zone: me.time_zone || '' })}</p>
			<FormError text={f.formError} />
			{(msg || saved) && <p role="status" class="ok">{msg || t('saved')}</p>}
			<button type="submit" class="primary" disabled={f.busy}>{t('save')}</button>
		</form>
	);
}
let savedPrefs = false; // the page is remounted with the new language: it says "Saved." then

export function Account({ me, onMeChanged }) {
	// the user's own language and zone exist once the server has them (GET /api/v1/me *_source)
	const prefs = me.language_source !== undefined || me.time_zone_source !== undefined;
	return (
		<section aria-labelledby="account-h">
			<h1 id="account-h">{t('myAccount')}</h1>
			<p>{me.user.display_name} — <code>{me.user.email}</code></p>
			{prefs && <Preferences key={me.language + (me.time_zone || '')} me={me} onChanged={onMeChanged} />}
			<OwnPassword />
			<AppPasswords />
		</section>
	);
}
