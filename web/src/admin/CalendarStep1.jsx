// Step 1 of a calendar integration, for the IT administrator: in plain words what to do at the
// provider (Google Cloud and Google Admin; Microsoft Entra; the Exchange server), with Copy buttons
// for what to paste there, and the form that saves the credentials (PUT /api/v1/calendar-
// integrations/{provider}). The server checks them at once: a refusal names what is missing and is
// shown next to the form in the reader's language; a field's refusal next to its field.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, useForm } from '../lib/ui.jsx';
import { GOOGLE_SCOPES, MS_PERMISSIONS, intPath } from './calendarSync.js';
import { CopyText, FailureText } from './calendarSyncParts.jsx';

// the refusal of a save: a provider check failed (its code, shown translated) or anything else
function useSave(provider, onSaved) {
	const f = useForm();
	const [fail, setFail] = useState(null);
	const [msg, setMsg] = useState('');
	const save = (body) => {
		setFail(null); setMsg('');
		return f.run(async () => {
			try {
				await api('PUT', intPath(provider), body);
			} catch (e) {
				// the credentials are kept (step1_done) with what the check found missing
				if (e.body && e.body.error_code) { setFail(e.body); onSaved(); return; }
				throw e;
			}
			setMsg(t('csStep1Saved'));
			onSaved();
		});
	};
	return { f, fail, msg, save };
}

function SaveRow({ s, id }) {
	return (<>
		<div class="row">
			<button type="submit" class="primary" disabled={s.f.busy} aria-describedby={s.fail ? id : undefined}>
				{s.f.busy ? t('csChecking') : t('csSaveStep1')}</button>
		</div>
		{s.f.busy && <p class="note" role="status">{t('csCheckingLong')}</p>}
		{s.msg && <p class="ok" role="status">{s.msg}</p>}
		<FormError text={s.f.formError} />
		{s.fail && <FailureText id={id} alert code={s.fail.error_code} params={s.fail.error_params} detail={s.fail.detail} />}
	</>);
}

export function Step1({ conn, onSaved }) {
	if (conn.provider === 'google') return <GoogleStep1 conn={conn} onSaved={onSaved} />;
	if (conn.provider === 'microsoft') return <MicrosoftStep1 conn={conn} onSaved={onSaved} />;
	return <ExchangeStep1 conn={conn} onSaved={onSaved} />;
}

// Google's key file as the browser reads it: the parsed object, or why it is not one
function readKey(text) {
	let k;
	try { k = JSON.parse(text); } catch { return { error: t('csKeyNotJson') }; }
	if (!k || typeof k !== 'object' || k.type !== 'service_account' || !k.private_key || !k.client_email)
		return { error: t('csKeyNotServiceAccount') };
	return { key: k };
}

function GoogleStep1({ conn, onSaved }) {
	const st = conn.step1 || {};
	const [key, setKey] = useState({ key: null, error: '', name: '' });
	const [admin, setAdmin] = useState(st.admin_email || '');
	const s = useSave('google', onSaved);
	const clientId = (key.key && key.key.client_id) || st.client_id || '';
	const scopes = st.scopes && st.scopes.length ? st.scopes : GOOGLE_SCOPES;
	async function pick(e) {
		const file = e.currentTarget.files && e.currentTarget.files[0];
		if (!file) { setKey({ key: null, error: '', name: '' }); return; }
		if (file.size > 64 * 1024) { setKey({ key: null, error: t('csKeyTooLarge'), name: file.name }); return; }
		const r = readKey(await file.text());
		setKey({ key: r.key || null, error: r.error || '', name: file.name });
	}
	const submit = (e) => {
		e.preventDefault();
		if (!key.key) { setKey({ ...key, error: key.error || t('csKeyMissing') }); return; }
		s.save({ service_account_key: key.key, admin_email: admin.trim() });
	};
	const keyErr = key.error || s.f.errors.service_account_key;
	return (
		<form onSubmit={submit} aria-labelledby="s1-h-google">
			<ol class="steps">
				<li>{t('csG1')}</li>
				<li>{t('csG2')}</li>
				<li>
					<p>{t('csG3')}</p>
					<dl class="pairs">
						<dt>{t('csClientId')}</dt>
						<dd>{clientId ? <CopyText label={t('csClientId')} value={clientId} /> : <span class="note">{t('csClientIdLater')}</span>}</dd>
						<dt>{t('csScopes')}</dt>
						<dd><CopyText label={t('csScopes')} value={scopes.join(',')} block />
							<ul class="plain">{scopes.map((x) => <li key={x}><code>{x}</code></li>)}</ul></dd>
					</dl>
					<p class="note">{t('csG3b')}</p>
				</li>
				<li>
					<p>{t('csG4')}</p>
					<Field label={t('csKeyFile')} error={keyErr} hint={st.client_email ? t('csKeyFileSaved', { email: st.client_email }) : t('csKeyFileHint')}>{(fid, d) =>
						<input id={fid} type="file" accept=".json,application/json" onChange={pick}
							aria-invalid={keyErr ? 'true' : undefined} aria-describedby={d} />}
					</Field>
					{key.key && <p class="note" role="status">{t('csKeyRead', { email: key.key.client_email })}</p>}
					<Field label={t('csAdminEmail')} type="email" value={admin} onInput={setAdmin} error={s.f.errors.admin_email}
						hint={t('csAdminEmailHint')} required autocomplete="off" maxLength={320} />
				</li>
			</ol>
			<SaveRow s={s} id="s1-fail-google" />
		</form>
	);
}

function MicrosoftStep1({ conn, onSaved }) {
	const st = conn.step1 || {};
	const [v, setV] = useState({ tenant_id: st.tenant_id || '', client_id: st.client_id || '', client_secret: '' });
	const set = (k) => (x) => setV({ ...v, [k]: x });
	// a client secret or a certificate (the PEM of the certificate and its private key)
	const [kind, setKind] = useState(st.credential === 'certificate' ? 'certificate' : 'secret');
	const [pem, setPem] = useState({ text: '', error: '', name: '' });
	const s = useSave('microsoft', onSaved);
	const perms = st.permissions && st.permissions.length ? st.permissions : MS_PERMISSIONS;
	async function pickPem(e) {
		const file = e.currentTarget.files && e.currentTarget.files[0];
		if (!file) { setPem({ text: '', error: '', name: '' }); return; }
		if (file.size > 16 * 1024) { setPem({ text: '', error: t('csPemTooLarge'), name: file.name }); return; }
		const text = await file.text();
		setPem({ text: text.includes('-----BEGIN ') ? text : '', error: text.includes('-----BEGIN ') ? '' : t('csPemNotPem'), name: file.name });
	}
	const submit = (e) => {
		e.preventDefault();
		const base = { tenant_id: v.tenant_id.trim(), client_id: v.client_id.trim() };
		if (kind === 'certificate') {
			if (!pem.text) { setPem({ ...pem, error: pem.error || t('csPemMissing') }); return; }
			s.save({ ...base, certificate: pem.text });
		} else {
			s.save({ ...base, client_secret: v.client_secret });
		}
	};
	const pemErr = pem.error || s.f.errors.certificate;
	const savedCert = st.credential === 'certificate' && st.certificate_thumbprint
		? t('csCertSaved', { thumbprint: st.certificate_thumbprint, date: (st.certificate_expires_at || '').slice(0, 10) }) : '';
	return (
		<form onSubmit={submit} aria-labelledby="s1-h-microsoft">
			<ol class="steps">
				<li>{t('csM1')}</li>
				<li>
					<p>{t('csM2')}</p>
					<ul class="plain">{perms.map((x) => <li key={x}><CopyText label={x} value={x} /></li>)}</ul>
				</li>
				<li>{t('csM3')}</li>
				<li>
					<p>{t('csM4')}</p>
					<div class="grid">
						<Field label={t('csTenantId')} value={v.tenant_id} onInput={set('tenant_id')} error={s.f.errors.tenant_id}
							hint={t('csTenantIdHint')} required autocomplete="off" maxLength={200} />
						<Field label={t('csAppClientId')} value={v.client_id} onInput={set('client_id')} error={s.f.errors.client_id}
							hint={t('csAppClientIdHint')} required autocomplete="off" maxLength={200} />
					</div>
					<fieldset class="group">
						<legend>{t('csCredential')}</legend>
						<label><input type="radio" name="ms-credential" value="secret" checked={kind === 'secret'}
							onChange={() => setKind('secret')} /> {t('csCredSecret')}</label>
						<label><input type="radio" name="ms-credential" value="certificate" checked={kind === 'certificate'}
							onChange={() => setKind('certificate')} /> {t('csCredCertificate')}</label>
					</fieldset>
					{kind === 'secret'
						? <Field label={t('csClientSecret')} type="password" value={v.client_secret} onInput={set('client_secret')}
							error={s.f.errors.client_secret} hint={st.client_id ? t('csSecretSaved') : t('csClientSecretHint')} required autocomplete="new-password" maxLength={1024} />
						: <Field label={t('csPemFile')} error={pemErr} hint={savedCert || t('csPemFileHint')}>{(fid, d) =>
							<input id={fid} type="file" accept=".pem,.crt,.cer,.key,application/x-pem-file,text/plain" onChange={pickPem}
								aria-invalid={pemErr ? 'true' : undefined} aria-describedby={d} />}
						</Field>}
				</li>
				<li>
					<p>{t('csM5')}</p>
					{st.consent_url
						? <p><a href={st.consent_url} target="_blank" rel="noopener noreferrer">{t('csConsentLink')}</a></p>
						: <p class="note">{t('csConsentLater')}</p>}
					{st.consent_url && <CopyText label={t('csConsentLink')} value={st.consent_url} block />}
				</li>
			</ol>
			<SaveRow s={s} id="s1-fail-microsoft" />
		</form>
	);
}

const EXCHANGE_ROLE = 'New-ManagementRoleAssignment -Name "convene-impersonation" -Role ApplicationImpersonation -User svc-convene';

function ExchangeStep1({ conn, onSaved }) {
	const st = conn.step1 || {};
	const [v, setV] = useState({ ews_url: st.ews_url || '', username: st.username || '', password: '' });
	const set = (k) => (x) => setV({ ...v, [k]: x });
	const s = useSave('exchange', onSaved);
	const submit = (e) => {
		e.preventDefault();
		s.save({ ews_url: v.ews_url.trim(), username: v.username.trim(), password: v.password });
	};
	return (
		<form onSubmit={submit} aria-labelledby="s1-h-exchange">
			<ol class="steps">
				<li>
					<p>{t('csE1')}</p>
					<CopyText label={t('csE1Command')} value={EXCHANGE_ROLE} block />
					<p class="note">{t('csE1b')}</p>
				</li>
				<li>{t('csE2')}</li>
				<li>
					<p>{t('csE3')}</p>
					<div class="grid">
						<Field label={t('csEwsUrl')} type="url" value={v.ews_url} onInput={set('ews_url')} error={s.f.errors.ews_url}
							hint={t('csEwsUrlHint')} required autocomplete="off" maxLength={2000} />
						<Field label={t('csEwsUser')} value={v.username} onInput={set('username')} error={s.f.errors.username}
							hint={t('csEwsUserHint')} required autocomplete="off" maxLength={320} />
						<Field label={t('password')} type="password" value={v.password} onInput={set('password')} error={s.f.errors.password}
							hint={st.username ? t('csSecretSaved') : undefined} required autocomplete="new-password" maxLength={1024} />
					</div>
				</li>
			</ol>
			<SaveRow s={s} id="s1-fail-exchange" />
		</form>
	);
}
