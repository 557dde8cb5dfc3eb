// The page behind a guest invitation's link (/guest/accept?token=…), reachable without a session:
// who shared which calendar (GET on the accept address, which leaves the link usable), then the
// guest's name and password (POST). On success the guest is signed in and lands on the calendar.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api.js';
import { setLanguage, t } from '../lib/i18n.js';
import { PasswordRule } from '../lib/PasswordRule.jsx';
import { Field, FormError, Link, Loading, useForm, useLoad, navigate } from '../lib/ui.jsx';

const ACCEPT = '/api/v1/guest-invitations/accept';
const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));

function Card({ title, children }) {
	return (
		<main class="card" aria-labelledby="card-title">
			<h1 id="card-title">{title}</h1>
			{children}
		</main>
	);
}

// used, expired, withdrawn or cut short: the same advice
function Gone() {
	return (
		<Card title={t('guestTitle')}>
			<p class="error form-error" role="alert">{t('guestLinkGone')}</p>
			<p><Link href="/">{t('backToSignIn')}</Link></p>
		</Card>
	);
}

function Welcome({ inv }) {
	const cals = inv.calendars || [];
	return (
		<div class="guest-welcome">
			<p>{inv.invited_by ? fill(t('guestInvitedBy'), { who: inv.invited_by }) : t('guestInvited')}</p>
			{cals.length > 0 && (
				<ul class="guest-cals" aria-label={t('calendars')}>
					{cals.map((c) => <li key={c.id}><strong>{c.name}</strong> <span class="note">({t('role_' + c.role)})</span></li>)}
				</ul>
			)}
			<p class="note">{fill(t('guestLoginIs'), { email: inv.email })}</p>
		</div>
	);
}

export function GuestAccept({ onSignedIn }) {
	const token = new URLSearchParams(location.search).get('token') || '';
	const inv = useLoad(async () => {
		try {
			const d = await api('GET', ACCEPT + '?token=' + encodeURIComponent(token));
			setLanguage(d.language);
			return d;
		} catch (e) {
			if (e instanceof ApiError && (e.status === 410 || e.status === 400)) return { gone: true };
			throw e;
		}
	}, [token]);
	const [name, setName] = useState(null); // null: the proposed name until edited
	const [pw, setPw] = useState('');
	const [pw2, setPw2] = useState('');
	const [mismatch, setMismatch] = useState('');
	const [gone, setGone] = useState(false);
	const f = useForm();

	if (inv.loading) return <Card title={t('guestTitle')}><Loading /></Card>;
	if (gone || (inv.data && inv.data.gone)) return <Gone />;
	const d = inv.data || {};
	const shownName = name === null ? (d.display_name || '') : name;

	const submit = (e) => {
		e.preventDefault();
		setMismatch('');
		if (pw !== pw2) { setMismatch(t('guestPasswordsDiffer')); return; }
		f.run(async () => {
			let u;
			try {
				u = await api('POST', ACCEPT, { token, display_name: shownName.trim(), password: pw });
			} catch (x) {
				// used meanwhile (another tab) or expired while the form was open
				if (x instanceof ApiError && x.status === 410) { setGone(true); return; }
				throw x;
			}
			try {
				await api('POST', '/api/v1/session', { email: u.email, password: pw });
			} catch {
				// signed up but not signed in (a login rule, a hiccup): sign-in, address filled in
				navigate('/?email=' + encodeURIComponent(u.email));
				return;
			}
			await onSignedIn();
			navigate('/calendar');
		});
	};
	return (
		<Card title={t('guestTitle')}>
			<FormError text={inv.error} />
			{inv.data && <Welcome inv={d} />}
			<form onSubmit={submit}>
				{/* for password managers: the login this password goes with */}
				<input type="email" autocomplete="username" value={d.email || ''} readOnly hidden />
				<Field label={t('guestName')} value={shownName} onInput={setName} error={f.errors.display_name}
					autocomplete="name" required autofocus maxLength={200} />
				<Field label={t('password')} type="password" value={pw} onInput={setPw} error={f.errors.password}
					hint={<PasswordRule />} autocomplete="new-password" required />
				<Field label={t('guestPasswordAgain')} type="password" value={pw2} onInput={setPw2} error={mismatch}
					autocomplete="new-password" required />
				<FormError text={f.errors.token || f.formError} />
				<button type="submit" class="primary" disabled={f.busy}>{f.busy ? t('loading') : t('guestAccept')}</button>
			</form>
		</Card>
	);
}
