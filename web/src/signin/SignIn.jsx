// Pages before the admin center proper: sign-in, forced password change, e-mail validation
// (pending notice and the /validate?token= link) and password reset (/forgot, /reset?token=).
import { useState, useEffect } from 'preact/hooks';
import { api, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { PasswordRule } from '../lib/PasswordRule.jsx';
import { Field, FormError, Link, useForm, errText } from '../lib/ui.jsx';

function Card({ title, children }) {
	return (
		<main class="card" aria-labelledby="card-title">
			<h1 id="card-title">{title}</h1>
			{children}
		</main>
	);
}

export function SignIn({ onSignedIn }) {
	// ?email=: filled in by pages that send here after a sign-up (GuestAccept.jsx)
	const [email, setEmail] = useState(() => new URLSearchParams(location.search).get('email') || '');
	const [password, setPassword] = useState('');
	// an address may be a user in several organisations (accounts): when the
	// password fits more than one, the server lists them (409 account-required)
	const [accounts, setAccounts] = useState([]);
	const [account, setAccount] = useState('');
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		f.run(async () => {
			const body = { email, password };
			if (account && accounts.length) body.account = account;
			try {
				await api('POST', '/api/v1/session', body);
			} catch (err) {
				if (err instanceof ApiError && err.type === '/problems/account-required') {
					const list = err.body.accounts || [];
					setAccounts(list);
					setAccount((a) => a || (list[0] && list[0].id) || '');
				}
				throw err;
			}
			await onSignedIn();
		});
	};
	const changeEmail = (v) => { setEmail(v); setAccounts([]); setAccount(''); };
	return (
		<Card title={t('signIn')}>
			<form onSubmit={submit}>
				<Field label={t('email')} type="email" value={email} onInput={changeEmail} error={f.errors.email} autocomplete="username" required autofocus />
				<Field label={t('password')} type="password" value={password} onInput={setPassword} error={f.errors.password} autocomplete="current-password" required />
				{accounts.length > 0 && (
					<Field label={t('signInAccount')} hint={t('signInAccountHint')} error={f.errors.account}>
						{(id, d) => (
							<select id={id} aria-describedby={d} value={account} onChange={(e) => setAccount(e.currentTarget.value)}>
								{accounts.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
							</select>
						)}
					</Field>
				)}
				<FormError text={f.formError} />
				<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('loading') : t('signIn')}</button>
			</form>
			<p><Link href="/forgot">{t('forgot')}</Link></p>
		</Card>
	);
}

export function ChangePassword({ onDone, onSignOut }) {
	const [cur, setCur] = useState('');
	const [pw, setPw] = useState('');
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		f.run(async () => { await api('POST', '/api/v1/me/password', { current_password: cur, new_password: pw }); await onDone(); });
	};
	return (
		<Card title={t('changePassword')}>
			<p>{t('mustChange')}</p>
			<form onSubmit={submit}>
				<Field label={t('currentPassword')} type="password" value={cur} onInput={setCur} error={f.errors.current_password} autocomplete="current-password" required autofocus />
				<Field label={t('newPassword')} type="password" value={pw} onInput={setPw} error={f.errors.new_password} hint={<PasswordRule />} autocomplete="new-password" required />
				<FormError text={f.formError} />
				<div class="row">
					<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('loading') : t('changePassword')}</button>
					<button type="button" onClick={onSignOut}>{t('signOut')}</button>
				</div>
			</form>
		</Card>
	);
}

export function ValidationPending({ onSignOut }) {
	const f = useForm();
	const [sent, setSent] = useState(false);
	const resend = () => f.run(async () => { await api('POST', '/api/v1/me/email-validation'); setSent(true); });
	return (
		<Card title={t('validateTitle')}>
			<p>{t('validatePending')}</p>
			<FormError text={f.formError} />
			{sent && <p role="status">{t('sent')}</p>}
			<div class="row">
				<button type="button" class="primary" onClick={resend} disabled={f.busy}>{t('resend')}</button>
				<button type="button" onClick={onSignOut}>{t('signOut')}</button>
			</div>
		</Card>
	);
}

export function Validate({ onValidated }) {
	const token = new URLSearchParams(location.search).get('token') || '';
	const [state, setState] = useState({ busy: true, error: '' });
	useEffect(() => {
		api('POST', '/api/v1/email-validation/confirm', { token })
			.then(() => { setState({ busy: false, error: '' }); onValidated && onValidated(); },
				(e) => setState({ busy: false, error: errText(e) }));
	}, [token]);
	return (
		<Card title={t('validateTitle')}>
			{state.busy ? <p role="status">{t('loading')}</p> : state.error ? <FormError text={state.error} /> : <p role="status">{t('validateDone')}</p>}
			<p><Link href="/">{t('backToSignIn')}</Link></p>
		</Card>
	);
}

export function Forgot() {
	const [email, setEmail] = useState('');
	const [sent, setSent] = useState(false);
	const f = useForm();
	const submit = (e) => { e.preventDefault(); f.run(async () => { await api('POST', '/api/v1/password-reset', { email }); setSent(true); }); };
	return (
		<Card title={t('forgot')}>
			{sent ? <p role="status">{t('resetSent')}</p> : (
				<form onSubmit={submit}>
					<Field label={t('email')} type="email" value={email} onInput={setEmail} error={f.errors.email} required autofocus />
					<FormError text={f.formError} />
					<button type="submit" class="primary" disabled={f.busy}>{t('sendReset')}</button>
				</form>
			)}
			<p><Link href="/">{t('backToSignIn')}</Link></p>
		</Card>
	);
}

export function Reset() {
	const token = new URLSearchParams(location.search).get('token') || '';
	const [pw, setPw] = useState('');
	const [done, setDone] = useState(false);
	const f = useForm();
	const submit = (e) => { e.preventDefault(); f.run(async () => { await api('POST', '/api/v1/password-reset/confirm', { token, new_password: pw }); setDone(true); }); };
	return (
		<Card title={t('resetTitle')}>
			{done ? <p role="status">{t('resetDone')}</p> : (
				<form onSubmit={submit}>
					<Field label={t('newPassword')} type="password" value={pw} onInput={setPw} error={f.errors.new_password || f.errors.token} hint={<PasswordRule />} autocomplete="new-password" required autofocus />
					<FormError text={f.formError} />
					<button type="submit" class="primary" disabled={f.busy}>{t('save')}</button>
				</form>
			)}
			<p><Link href="/">{t('backToSignIn')}</Link></p>
		</Card>
	);
}
