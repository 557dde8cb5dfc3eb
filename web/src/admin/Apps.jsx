// API applications: register (the client secret is shown once, with a copy button), list,
// and revoke the selected ones after confirmation. AppTable is reused on the manager page.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, Loading, useForm, confirmAction } from '../lib/ui.jsx';
import { usePaged, MoreButton } from '../lib/paging.jsx';
import { when, userZone } from '../lib/time.js';

export function AppTable({ items, ro, onRevoked }) {
	const [sel, setSel] = useState([]);
	const f = useForm();
	const live = items.filter((a) => a.status !== 'revoked');
	async function revoke() {
		if (!sel.length) return;
		if (!(await confirmAction(`${t('revokeSelected')} (${sel.length})? ${t('areYouSure')}`, t('revokeSelected')))) return;
		const ok = await f.run(async () => { await api('POST', '/api/v1/apps/revoke', { ids: sel }); return true; });
		if (ok) { setSel([]); onRevoked(); }
	}
	if (!items.length) return <p>{t('none')}</p>;
	return (
		<>
			<table>
				<thead><tr>{!ro && <th><span class="sr">{t('select')}</span></th>}<th>{t('name')}</th><th>{t('clientId')}</th><th>{t('owner')}</th><th>{t('status')}</th><th>{t('created')} <span class="note">({userZone()})</span></th></tr></thead>
				<tbody>{items.map((a) => (
					<tr key={a.id}>
						{!ro && <td>{a.status !== 'revoked' && <input type="checkbox" aria-label={`${t('select')} ${a.name}`} checked={sel.includes(a.id)}
							onChange={(e) => setSel(e.currentTarget.checked ? [...sel, a.id] : sel.filter((x) => x !== a.id))} />}</td>}
						<td>{a.name}{a.description && <div class="note">{a.description}</div>}</td>
						<td><code>{a.client_id}</code></td><td>{a.owner_email}</td>
						<td>{a.status === 'revoked' ? t('revoked') : t('active')}</td><td>{when(a.created_at)}</td>
					</tr>))}
				</tbody>
			</table>
			<FormError text={f.formError || f.errors.ids} />
			{!ro && live.length > 0 && <button type="button" class="danger" onClick={revoke} disabled={!sel.length || f.busy}>{t('revokeSelected')}</button>}
		</>
	);
}

function Register({ onCreated }) {
	const [v, setV] = useState({ name: '', description: '' });
	const [made, setMade] = useState(null);
	const [copied, setCopied] = useState(false);
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		f.run(async () => { const a = await api('POST', '/api/v1/apps', v); setMade(a); setCopied(false); setV({ name: '', description: '' }); onCreated(); });
	};
	const copy = async () => {
		try { await navigator.clipboard.writeText(made.client_secret); setCopied(true); }
		catch { const el = document.getElementById('app-secret'); getSelection().selectAllChildren(el); }
	};
	if (made) return (
		<section class="panel" aria-labelledby="made-h">
			<h2 id="made-h">{made.name}</h2>
			<p><strong>{t('clientId')}:</strong> <code id="app-client-id">{made.client_id}</code></p>
			<p><strong>{t('clientSecret')}:</strong></p>
			<p class="secret" id="app-secret">{made.client_secret}</p>
			<p role="alert"><strong>{t('secretOnce')}</strong></p>
			<div class="row">
				<button type="button" onClick={copy}>{t('copy')}</button>
				{copied && <span role="status" class="ok">{t('copied')}</span>}
				<button type="button" class="primary" onClick={() => setMade(null)}>{t('done')}</button>
			</div>
		</section>
	);
	return (
		<form class="panel" onSubmit={submit} aria-labelledby="reg-h">
			<h2 id="reg-h">{t('registerApp')}</h2>
			<div class="grid">
				<Field label={t('name')} value={v.name} onInput={(x) => setV({ ...v, name: x })} error={f.errors.name} required />
				<Field label={t('description')} value={v.description} onInput={(x) => setV({ ...v, description: x })} error={f.errors.description} />
			</div>
			<FormError text={f.formError} />
			<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('loading') : t('registerApp')}</button>
		</form>
	);
}

export function Apps({ ro, me }) {
	const p = usePaged('/api/v1/apps', []);
	const canRegister = !ro && (me.user.role === 'api_manager' || me.user.role === 'admin');
	return (
		<section aria-labelledby="apps-h">
			<h1 id="apps-h">{t('applications')}</h1>
			{canRegister && <Register onCreated={p.reload} />}
			{p.loading ? <Loading /> : <><FormError text={p.error} /><AppTable items={p.items} ro={ro} onRevoked={p.reload} /><MoreButton p={p} /></>}
		</section>
	);
}
