// The signed-in user's own account page (/account, for every role): change the password, and
// app passwords for calendar apps (create with a label -> the secret shown once with a copy
// button and the CalDAV address; list with the last use; revoke after confirmation).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';
import { Field, FormError, Loading, useForm, useLoad, confirmAction } from './ui.jsx';

const when = (s) => (s ? s.replace('T', ' ').replace('Z', '') : '');

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
				<Field label={t('newPassword')} type="password" value={pw} onInput={setPw} error={f.errors.new_password} autocomplete="new-password" required />
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

function AppPasswords() {
	const list = useLoad(() => api('GET', '/api/v1/me/app-passwords'));
	const [label, setLabel] = useState('');
	const [made, setMade] = useState(null);
	const f = useForm();
	const rf = useForm();
	const create = (e) => {
		e.preventDefault();
		f.run(async () => { const p = await api('POST', '/api/v1/me/app-passwords', { label }); setMade(p); setLabel(''); list.reload(); });
	};
	async function revoke(p) {
		if (!(await confirmAction(`${t('revokeAppPassword')} “${p.label}”? ${t('appPasswordRevokeNote')}`, t('revoke')))) return;
		const ok = await rf.run(async () => { await api('DELETE', '/api/v1/me/app-passwords/' + p.id); return true; });
		if (ok) list.reload();
	}
	const items = (list.data && list.data.items) || [];
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
			{list.loading && !list.data ? <Loading /> : <FormError text={list.error} />}
			{list.data && (items.length ? (
				<table aria-label={t('appPasswords')}>
					<thead><tr><th>{t('appPasswordLabel')}</th><th>{t('created')}</th><th>{t('lastUsed')}</th><th><span class="sr">{t('actions')}</span></th></tr></thead>
					<tbody>{items.map((p) => (
						<tr key={p.id}>
							<td>{p.label}</td>
							<td>{when(p.created_at)}</td>
							<td>{p.last_used_at ? <>{when(p.last_used_at)}{p.last_user_agent && <div class="note">{p.last_user_agent}</div>}</> : t('neverUsed')}</td>
							<td><button type="button" class="danger" onClick={() => revoke(p)} disabled={rf.busy} aria-label={`${t('revoke')} ${p.label}`}>{t('revoke')}</button></td>
						</tr>))}
					</tbody>
				</table>
			) : <p>{t('noAppPasswords')}</p>)}
			<FormError text={rf.formError} />
		</section>
	);
}

export function Account({ me }) {
	return (
		<section aria-labelledby="account-h">
			<h1 id="account-h">{t('myAccount')}</h1>
			<p>{me.user.display_name} — <code>{me.user.email}</code></p>
			<OwnPassword />
			<AppPasswords />
		</section>
	);
}
