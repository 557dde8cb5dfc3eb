// A portal's page: the company's title, welcome text, logo and colour, then either the request
// form (a live chat when the portal is open, else what its offline policy says) or the customer's
// conversation once they have one. Whether the portal is open comes live from its stream, so
// the form switches between chat and offline request as technicians come and go; the form keeps
// what was typed across the switch, since the same fields stay on the page. Opened from the link
// of an answer's mail, it exchanges the link for the conversation and shows it.
import { useState, useEffect } from 'preact/hooks';
import { api, ApiError } from '../lib/api.js';
import { setLanguage, t } from '../lib/i18n.js';
import { errText, Loading } from '../lib/ui.jsx';
import { RequestForm } from './RequestForm.jsx';
import { ChatView } from './ChatView.jsx';
import { BusinessHours } from './BusinessHours.jsx';
import { openStream } from '../lib/stream.js';
import { loadConversation, forgetConversation, saveConversation, portalPath } from './conversation.js';

const RETRY_MS = 5000;

// the portal's public description, and {open, offline_policy} kept live by its stream (after a
// stream that could not come back by itself, the description is fetched again)
function usePortal(slug) {
	const [portal, setPortal] = useState(null);
	const [error, setError] = useState('');
	useEffect(() => {
		if (!slug) return undefined;
		let alive = true, stop = null, retry = null;
		const load = () => api('GET', portalPath(slug)).then((p) => {
			if (!alive) return;
			if (p.language) setLanguage(p.language);
			document.title = p.title + ' – ' + t('portalTitle');
			setPortal(p); setError('');
			if (!stop) {
				stop = openStream(portalPath(slug) + '/stream', {
					portal: (d) => setPortal((x) => (x ? { ...x, ...d } : x)),
				}, { retryMs: RETRY_MS, onReconnect: load, onEnd: () => true });
			}
		}, (e) => {
			if (!alive) return;
			if (e instanceof ApiError && e.status === 404) setError(t('portalUnknown'));
			else { setError(errText(e)); clearTimeout(retry); retry = setTimeout(load, RETRY_MS); }
		});
		load();
		return () => { alive = false; clearTimeout(retry); if (stop) stop(); };
	}, [slug]);
	return { portal, error };
}

function Header({ portal }) {
	return (
		<header class="portal-head">
			{portal.logo && <img class="portal-logo" src={portal.logo} alt="" />}
			<h1>{portal.title}</h1>
		</header>
	);
}

// the `link` of an answer's mail (/portal/{slug}?link=...), exchanged once for the conversation's
// token; the address loses it at once, so that a reload or a bookmark does not try it again
function linkOf() {
	try { return new URLSearchParams(location.search).get('link') || ''; } catch { return ''; }
}

const LINK_ERRORS = {
	'/problems/support-link-used': 'portalLinkUsed',
	'/problems/support-link-expired': 'portalLinkExpired',
	'/problems/support-link-unknown': 'portalLinkUnknown',
};

function useMailedLink(slug, onConversation) {
	const [state, setState] = useState(() => (slug && linkOf() ? 'busy' : ''));
	useEffect(() => {
		const link = linkOf();
		if (!slug || !link) return;
		history.replaceState(null, '', location.pathname);
		api('POST', portalPath(slug) + '/links', { link }).then((s) => {
			onConversation({ id: s.id, token: s.token });
			setState('');
		}, (e) => setState(e instanceof ApiError && LINK_ERRORS[e.type] ? t(LINK_ERRORS[e.type]) : errText(e)));
	}, [slug]);
	return [state, setState];
}

export function PortalPage({ slug }) {
	const { portal, error } = usePortal(slug);
	const [conv, setConv] = useState(() => loadConversation(slug));
	const [linkState, setLinkState] = useMailedLink(slug, (c) => { saveConversation(slug, c); setConv(c); });
	if (!slug) return <main class="card" id="main"><h1>{t('portalTitle')}</h1><p>{t('portalNone')}</p></main>;
	if (!portal) {
		return (
			<main class="card" id="main">
				<h1>{t('portalTitle')}</h1>
				{error ? <p role="alert">{error}</p> : <Loading />}
			</main>
		);
	}
	const style = /^#[0-9a-f]{6}$/i.test(portal.accent || '') ? { '--accent': portal.accent, '--link': portal.accent } : undefined;
	const started = (c) => { saveConversation(slug, c); setConv(c); };
	const ended = () => { forgetConversation(slug); setConv(null); };
	return (
		<div class="portal" style={style}>
			<Header portal={portal} />
			<main id="main" class="portal-main">
				{linkState === 'busy' ? <Loading /> : linkState ? (
					<section class="portal-chat" aria-labelledby="link-title">
						<h2 id="link-title">{t('portalLinkTitle')}</h2>
						<p role="alert">{linkState}</p>
						<button type="button" class="primary" onClick={() => setLinkState('')}>{t('portalNewRequest')}</button>
					</section>
				) : conv ? <ChatView key={conv.token} slug={slug} portal={portal} conv={conv} onLeave={ended} /> : (
					<>
						{portal.welcome && <p class="portal-welcome">{portal.welcome}</p>}
						{portal.sub_portals && portal.sub_portals.length > 0 && (
							<nav aria-label={t('portalDepartments')} class="portal-subs">
								<h2>{t('portalDepartments')}</h2>
								<ul>{portal.sub_portals.map((s) => <li key={s.slug}><a href={'/portal/' + encodeURIComponent(s.slug)}>{s.title}</a></li>)}</ul>
							</nav>
						)}
						{!portal.open && portal.offline_policy === 'hide' ? (
							<section class="portal-closed" aria-live="polite">
								<h2>{t('portalClosed')}</h2>
								{portal.offline_message && <p>{portal.offline_message}</p>}
								<BusinessHours hours={portal.business_hours} />
							</section>
						) : <RequestForm slug={slug} portal={portal} onStarted={started} />}
					</>
				)}
			</main>
		</div>
	);
}
