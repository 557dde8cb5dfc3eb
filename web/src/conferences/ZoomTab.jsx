// A conference's Zoom tab: when the server has no Zoom app (GET /api/v1/zoom), what is missing and
// how to configure it; else the conference's connections (name, status in words, the Zoom account,
// last refreshed) with Connect / Reconnect (to Zoom's consent page) and Disconnect, and "Add Zoom
// connection"; above them, the schedule's changes Zoom has not taken, when there are any. Each row's
// refusal is shown under that row; a connection's error is said by its code in the reader's language.
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t, codeText } from '../lib/i18n.js';
import { Field, FormError, Link, Loading, useForm, useLoad, confirmAction, errText } from '../lib/ui.jsx';
import { when } from '../lib/time.js';
import { SyncList } from './zoomSync.jsx';
import './strings.js';

// the operator's guide in convene's source tree (a file name, the same in every language)
const DOCS = 'docs/zoom.md';

export const connPath = (confId, cid) => '/api/v1/conferences/' + encodeURIComponent(confId) + '/zoom-connections'
	+ (cid ? '/' + encodeURIComponent(cid) : '');

// the status in words, never by colour alone
export function StatusBadge({ status }) {
	return <span class={'badge badge-' + String(status || '').replace(/[^a-z_]/g, '')}>{codeText('zstatus_', status)}</span>;
}

// A connection's error in the reader's language, from its stable code and parameters (docs/zoom.md);
// the server's English text for a code this version does not know, or for an error kept before
// codes existed. A connection to reconnect always says so.
export function zoomErrorText(c) {
	if (c.error_code) {
		const k = 'zerr_' + String(c.error_code).replace(/[^a-z0-9_]/gi, '_');
		const s = t(k, { ...(c.error_params || {}) });
		if (s !== k) return s;
	}
	if (c.status === 'needs_reconnect') return t('zoomNeedsReconnectHint') + (c.error ? ' ' + c.error : '');
	return c.error || '';
}

// when Zoom is asked again, in the reader's time format
export const zoomRetryText = (c) => (c.retry_at ? t('zoomRetryAt', { when: when(c.retry_at) }) : '');

// "Connect"/"Reconnect": the server makes the state and PKCE pair; the browser goes to Zoom
export async function startConnect(confId, cid) {
	const r = await api('POST', connPath(confId, cid) + '/connect');
	location.assign(r.authorize_url);
}

export function ZoomTab({ conf }) {
	const zoom = useLoad(() => get('/api/v1/zoom'), []);
	if (zoom.loading && !zoom.data) return <Loading />;
	if (zoom.error) return <FormError text={zoom.error} />;
	if (!zoom.data.configured) return <NotConfigured z={zoom.data} />;
	// configured, but no key to seal tokens with (PostgreSQL without secret.key): connecting is refused
	return <>{zoom.data.secret_key === false && <p class="banner-inline" role="note">{t('zoomNoSecretKey')}</p>}<SyncList conf={conf} /><Connections conf={conf} /></>;
}

function NotConfigured({ z }) {
	return (
		<section class="panel" aria-labelledby="zn-h">
			<h2 id="zn-h">{t('zoomNotConfigured')}</h2>
			<p>{t('zoomNotConfiguredText')}</p>
			{z.missing && z.missing.length > 0 && <>
				<p>{t('zoomMissingSettings')}</p>
				<ul>{z.missing.map((m) => <li key={m}><code>{m}</code></li>)}</ul>
			</>}
			<dl>
				<dt>{t('zoomRedirectUrl')}</dt><dd><code>{z.redirect_url}</code></dd>
				<dt>{t('zoomWebhookUrl')}</dt><dd><code>{z.webhook_url}</code></dd>
			</dl>
			{z.secret_key === false && <p class="note">{t('zoomNoSecretKey')}</p>}
			<p>{t('zoomSeeDocs')} <code>{DOCS}</code></p>
		</section>
	);
}

function Connections({ conf }) {
	const l = useLoad(() => get(connPath(conf.id)), [conf.id]);
	const [rowErr, setRowErr] = useState({ id: '', text: '' });
	const [busy, setBusy] = useState('');
	const items = (l.data && l.data.items) || [];
	async function act(c, fn) {
		setBusy(c.id); setRowErr({ id: '', text: '' });
		try { await fn(); } catch (e) { setRowErr({ id: c.id, text: errText(e) }); setBusy(''); }
	}
	const connect = (c) => act(c, () => startConnect(conf.id, c.id)); // the page leaves: stays busy
	const disconnect = async (c) => {
		if (!(await confirmAction(t('zoomDisconnectConfirm', { name: c.name }), t('zoomDisconnect')))) return;
		await act(c, async () => { await api('DELETE', connPath(conf.id, c.id)); setBusy(''); l.reload(); });
	};
	const page = (c) => '/conferences/' + encodeURIComponent(conf.id) + '/zoom/' + encodeURIComponent(c.id);
	return (
		<section class="panel" aria-labelledby="zc-h">
			<h2 id="zc-h">{t('zoomConnections')}</h2>
			{l.loading && !l.data ? <Loading /> : <>
				<FormError text={l.error} />
				{items.length ? (
					<table>
						<thead><tr><th>{t('name')}</th><th>{t('status')}</th><th>{t('zoomAccount')}</th><th>{t('zoomRefreshedAt')}</th>
							<th><span class="sr">{t('confActions')}</span></th></tr></thead>
						<tbody>{items.map((c) => {
							const eid = 'zc-err-' + c.id;
							const bad = rowErr.id === c.id;
							return (
								<tr key={c.id}>
									<td><Link href={page(c)}>{c.name}</Link></td>
									<td><StatusBadge status={c.status} />{zoomErrorText(c) && <div class="note">{zoomErrorText(c)} {zoomRetryText(c)}</div>}</td>
									<td>{c.account ? <>{c.account.display_name}<div class="note">{c.account.email}</div></> : <span class="note">{t('zoomNoAccount')}</span>}</td>
									<td>{c.refreshed_at ? when(c.refreshed_at) : <span class="note">{t('zoomNever')}</span>}</td>
									<td>
										<div class="row">
											{c.status === 'not_connected' && <button type="button" onClick={() => connect(c)} disabled={busy === c.id}
												aria-label={t('zoomConnectNamed', { name: c.name })} aria-describedby={bad ? eid : undefined}>{t('zoomConnect')}</button>}
											{c.status === 'needs_reconnect' && <button type="button" class="primary" onClick={() => connect(c)} disabled={busy === c.id}
												aria-label={t('zoomReconnectNamed', { name: c.name })} aria-describedby={bad ? eid : undefined}>{t('zoomReconnect')}</button>}
											<button type="button" class="danger" onClick={() => disconnect(c)} disabled={busy === c.id}
												aria-label={t('zoomDisconnectNamed', { name: c.name })} aria-describedby={bad ? eid : undefined}>{t('zoomDisconnect')}</button>
										</div>
										{busy === c.id && !bad && <span class="note" role="status">{t('zoomWorking')}</span>}
										{bad && <div class="error" id={eid} role="alert">{rowErr.text}</div>}
									</td>
								</tr>);
						})}
						</tbody>
					</table>) : <p>{t('zoomNoConnections')}</p>}
			</>}
			<AddConnection conf={conf} onAdded={l.reload} />
		</section>
	);
}

function AddConnection({ conf, onAdded }) {
	const [name, setName] = useState('');
	const [msg, setMsg] = useState('');
	const f = useForm();
	const submit = (e) => {
		e.preventDefault(); setMsg('');
		f.run(async () => {
			const c = await api('POST', connPath(conf.id), { name });
			setName(''); setMsg(t('zoomConnectionAdded', { name: c.name })); onAdded();
		});
	};
	return (
		<form class="filters" onSubmit={submit} aria-label={t('zoomAddConnection')}>
			<Field label={t('zoomConnectionName')} value={name} onInput={setName} error={f.errors.name} hint={t('zoomConnectionNameHint')} required maxLength={200} />
			<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('saving') : t('zoomAddConnection')}</button>
			<FormError text={f.formError} />
			{msg && <p role="status" class="ok">{msg}</p>}
		</form>
	);
}
