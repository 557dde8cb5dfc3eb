// The customer's request: name, e-mail address and question. The same fields serve a live chat
// (portal open), a place in the queue (closed, policy `queue`) and an offline request (closed,
// policy `offline_form`): only the heading, the explanation and the button change when the
// portal opens or closes, so nothing typed is lost. A request too early or too late for
// the server's view of "open" is answered by what the server decided (the state it returns).
import { useState, useEffect } from 'preact/hooks';
import { api, setCsrf } from '../lib/api.js';
import { currentLanguage, t } from '../lib/i18n.js';
import { Field, FormError, Loading, useForm } from '../lib/ui.jsx';
import { portalPath } from './conversation.js';

export const QUESTION_MAX = 4000;

function mode(portal) {
	if (portal.open) return 'chat';
	return portal.offline_policy === 'queue' ? 'queue' : 'offline';
}

// on a sign_in portal: the customer signed in to convene (their name and address come from their
// account, and the session cookie needs the CSRF token); null while asking, false when nobody is
function useSignedIn(needed) {
	const [me, setMe] = useState(needed ? null : false);
	useEffect(() => {
		if (!needed) return undefined;
		let alive = true;
		api('GET', '/api/v1/me').then((m) => { if (alive) { setCsrf(m.csrf_token); setMe(m.user); } },
			() => alive && setMe(false));
		return () => { alive = false; };
	}, [needed]);
	return me;
}

export function RequestForm({ slug, portal, onStarted }) {
	const [name, setName] = useState('');
	const [email, setEmail] = useState('');
	const [question, setQuestion] = useState('');
	const { busy, errors, formError, run } = useForm();
	const m = mode(portal);
	const signIn = portal.customer_auth === 'sign_in';
	const me = useSignedIn(signIn);
	if (signIn && me === null) return <Loading />;
	if (signIn && !me) {
		return (
			<section class="portal-request">
				<h2>{t('portalSignInTitle')}</h2>
				<p>{t('portalSignInText')}</p>
				<p><a href={'/?next=' + encodeURIComponent(location.pathname)}>{t('portalSignIn')}</a></p>
			</section>
		);
	}
	const submit = (e) => {
		e.preventDefault();
		run(async () => {
			const body = signIn ? { question } : { name: name.trim(), email: email.trim(), question };
			const s = await api('POST', portalPath(slug) + '/sessions', { ...body, language: currentLanguage() });
			onStarted({ id: s.id, token: s.token });
		});
	};
	return (
		<section class="portal-request" aria-labelledby="request-title">
			<div aria-live="polite">
				<h2 id="request-title">{t(m === 'chat' ? 'portalChatTitle' : m === 'queue' ? 'portalQueueTitle' : 'portalOfflineTitle')}</h2>
				<p class="hint">{m === 'chat' ? t('portalChatText') : m === 'queue' ? t('portalQueueText') : (portal.offline_message || t('portalOfflineText'))}</p>
			</div>
			<form onSubmit={submit} noValidate>
				{signIn ? <p class="portal-signed-in">{t('portalSignedInAs', { name: me.display_name || me.email })}</p> : <>
					<Field label={t('portalName')} value={name} onInput={setName} error={errors.name} autocomplete="name" required maxLength={200} />
					<Field label={t('portalEmail')} type="email" value={email} onInput={setEmail} error={errors.email} autocomplete="email" required maxLength={254} />
				</>}
				<Field label={t('portalQuestion')} error={errors.question} hint={t('portalQuestionHint', { n: QUESTION_MAX })}>
					{(id, described) => (
						<textarea id={id} rows={5} value={question} maxLength={QUESTION_MAX} required aria-describedby={described}
							aria-invalid={errors.question ? 'true' : undefined} onInput={(e) => setQuestion(e.currentTarget.value)} />
					)}
				</Field>
				<FormError text={formError} />
				<button class="primary" type="submit" disabled={busy}>
					{t(m === 'chat' ? 'portalStartChat' : m === 'queue' ? 'portalJoinQueue' : 'portalSendRequest')}
				</button>
			</form>
		</section>
	);
}
