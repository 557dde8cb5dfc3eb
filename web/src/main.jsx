// Entry of the admin center: loads the session (GET /api/v1/me), picks the language, and
// routes between the sign-in flow and the pages the user's role may see.
// /display/{token} (a room's door screen, no user) goes to its own page before any of that.
import { render } from 'preact';
import { useState, useEffect } from 'preact/hooks';
import { api, setCsrf, setUnauthHandler } from './lib/api.js';
import { setLanguage, browserLanguage, t } from './lib/i18n.js';
import { useLocation, Link, navigate, ConfirmHost, Loading, FormError, errText } from './lib/ui.jsx';
import { setUserZone } from './lib/time.js';
import './signin/strings.js';
import './admin/strings.js';
import { SignIn, ChangePassword, ValidationPending, Validate, Forgot, Reset } from './signin/SignIn.jsx';
import { GuestAccept } from './signin/GuestAccept.jsx';
import { Users, UserPage } from './admin/Users.jsx';
import { Managers, ManagerPage } from './admin/Managers.jsx';
import { Apps } from './admin/Apps.jsx';
import { Companies, CompanyPage } from './admin/Companies.jsx';
import { Teams } from './admin/Teams.jsx';
import { Settings } from './admin/Settings.jsx';
import { BusinessHours } from './admin/BusinessHours.jsx';
import { Audit } from './admin/Audit.jsx';
import { Rooms, RoomPage } from './admin/Rooms.jsx';
import { Account } from './admin/Account.jsx';
import { Conferences } from './conferences/Conferences.jsx';
import { ConferencePage } from './conferences/ConferencePage.jsx';
import { ZoomConnection } from './conferences/ZoomConnection.jsx';
import { ZoomInstall } from './conferences/ZoomInstall.jsx';
import './style.css';

const ADMIN_PAGES = ['users', 'managers', 'apps', 'companies', 'teams', 'rooms', 'settings', 'audit'];
function pagesFor(role) {
	if (role === 'guest') return ['calendar']; // read-only: only what was shared with them
	// the calendar is for everyone who may own calendars (not guests or customers)
	const cal = role === 'guest' || role === 'customer' ? [] : ['calendar'];
	if (role === 'admin') return [...ADMIN_PAGES, 'support', 'reports', ...cal];
	if (role === 'technician') return [...ADMIN_PAGES, 'support', ...cal];
	// rooms: read by everyone who books them (a delegate decides there on pending bookings)
	const rooms = cal.length ? ['rooms'] : [];
	// support reports: managers holding the right `reports` (the page says when they do not)
	if (role === 'api_manager') return ['apps', 'reports', ...cal, ...rooms];
	// hours: their companies' business hours (managers holding manage_business_hours; the page says
	// what it takes when they may change none)
	if (role === 'manager') return ['support', ...cal, ...rooms, 'reports', 'hours']; // support: their teams' technicians, chats and history
	return [...cal, ...rooms];
}
const LABEL = { support: 'supportConsole', users: 'users', managers: 'managers', apps: 'applications', companies: 'companies', teams: 'teams', settings: 'settings', audit: 'audit', calendar: 'calendar', rooms: 'rooms', conferences: 'conferences', reports: 'supportReports', hours: 'businessHours' };
// conferences: account admins, and every user (not a guest or customer) who administers one; the
// navigation shows them to those who have one (GET /api/v1/conferences not empty) and to admins
const mayConfer = (role) => role !== 'guest' && role !== 'customer';
function useConferenceNav(me) {
	const [has, setHas] = useState(false);
	const uid = me && me.user && me.user.id;
	const role = me && me.user && me.user.role;
	useEffect(() => {
		setHas(false);
		if (!uid || !mayConfer(role)) return undefined;
		if (role === 'admin') { setHas(true); return undefined; }
		let live = true;
		const check = () => api('GET', '/api/v1/conferences?limit=1')
			.then((d) => live && setHas(!!(d && d.items && d.items.length)), () => {});
		check();
		// appointed (or removed) meanwhile: asked again when the tab is looked at again
		const onShow = () => { if (document.visibilityState === 'visible') check(); };
		document.addEventListener('visibilitychange', onShow);
		return () => { live = false; document.removeEventListener('visibilitychange', onShow); };
	}, [uid, role]);
	return has;
}

// administrators are told when e-mails cannot leave (GET /api/v1/mail-status), on every page
function MailBanner() {
	const [st, setSt] = useState(null);
	useEffect(() => {
		let live = true;
		const load = () => api('GET', '/api/v1/mail-status').then((s) => live && setSt(s), () => {});
		load();
		const h = setInterval(load, 120000);
		return () => { live = false; clearInterval(h); };
	}, []);
	if (!st || st.state === 'ok') return null;
	return (
		<p class="banner mail-banner" role="status">
			<strong>{st.state === 'held' ? t('mailBannerHeld') : t('mailBannerFailing')}</strong>
			{st.queued > 0 && ' ' + t('mailQueuedN', { n: st.queued })}
			{st.detail && <span class="note"> {st.detail}</span>}
		</p>
	);
}

// pages loaded only when opened: the calendar brings FullCalendar (~300 kB), the support
// console its own code, which most users never need
function Lazy({ load, ...props }) {
	const [page, setPage] = useState({ C: null, err: '' });
	useEffect(() => {
		load().then((C) => setPage({ C, err: '' }), (e) => setPage({ C: null, err: errText(e) }));
	}, [load]);
	if (page.err) return <FormError text={page.err} />;
	return page.C ? <page.C {...props} /> : <Loading />;
}
const loadCalendar = () => import('./calendar/CalendarPage.jsx').then((m) => m.CalendarPage);
const loadConsole = () => import('./support/Console.jsx').then((m) => m.Console);
// the support reports bring a charting library (uPlot)
const loadReports = () => import('./admin/SupportReports.jsx').then((m) => m.SupportReports);
const loadReplay = () => import('./support/Replay.jsx').then((m) => m.Replay);

function App() {
	const loc = useLocation();
	const path = loc.split('?')[0];
	const [me, setMe] = useState(undefined); // undefined: loading, null: signed out
	const [err, setErr] = useState('');
	const confNav = useConferenceNav(me);

	async function loadMe() {
		try {
			const m = await api('GET', '/api/v1/me');
			setCsrf(m.csrf_token); setLanguage(m.language || (m.user && m.user.language)); setUserZone(m.time_zone); setMe(m); setErr('');
		} catch (e) {
			if (e.status === 401) { setCsrf(''); setLanguage(browserLanguage()); setMe(null); }
			else { setErr(errText(e)); setMe(null); }
		}
	}
	useEffect(() => { setUnauthHandler(() => { setCsrf(''); setMe(null); }); loadMe(); }, []);
	// ?next=/portal/…: a portal sent a customer here to sign in; back there once signed in (only to
	// a portal, so that the link cannot send anyone elsewhere)
	const next = new URLSearchParams(loc.split('?')[1] || '').get('next') || '';
	const ready = me && !me.must_change_password && !me.email_validation_pending;
	useEffect(() => { if (ready && /^\/portal\/[a-z0-9-]+$/.test(next)) location.replace(next); }, [ready, next]);

	async function signOut() {
		try { await api('DELETE', '/api/v1/session'); } catch { /* already gone */ }
		setCsrf(''); setLanguage(browserLanguage()); setMe(null); navigate('/');
	}

	// Pages reachable without a session (links from e-mails)
	if (path === '/validate') return <Validate onValidated={() => me && loadMe()} />;
	if (path === '/reset') return <Reset />;
	if (path === '/forgot') return <Forgot />;
	if (path === '/guest/accept') return <GuestAccept onSignedIn={loadMe} />;
	if (me === undefined) return <main class="card"><Loading /></main>;
	if (me === null) return <>{err && <FormError text={err} />}<SignIn onSignedIn={loadMe} /></>;
	if (me.must_change_password) return <ChangePassword onDone={loadMe} onSignOut={signOut} />;
	if (me.email_validation_pending) return <ValidationPending onSignOut={signOut} />;

	const role = me.user.role;
	const pages = pagesFor(role);
	const nav = confNav ? [...pages, 'conferences'] : pages;
	const ro = role === 'technician';
	const seg = path.split('/').filter(Boolean);
	let page = seg[0] || pages[0];
	let body;
	if (page === 'account') body = <Account me={me} onMeChanged={loadMe} />; // one's own, for every role
	// conferences: the server answers 404 for one the user does not administer
	else if (page === 'conferences' && mayConfer(role)) body = !seg[1] ? <Conferences me={me} />
		: seg[2] === 'zoom' && seg[3] ? <ZoomConnection confId={seg[1]} cid={seg[3]} />
		: <ConferencePage id={seg[1]} tab={seg[2]} me={me} />;
	else if (page === 'zoom' && seg[1] === 'install' && mayConfer(role)) body = <ZoomInstall token={new URLSearchParams(loc.split('?')[1] || '').get('token')} />;
	else if (!pages.length) body = <p>{t('notAllowed')}</p>;
	else if (!pages.includes(page)) body = <p>{t('notFound')}</p>;
	else if (page === 'users') body = seg[1] ? <UserPage id={seg[1]} ro={ro} me={me} /> : <Users ro={ro} />;
	else if (page === 'managers') body = seg[1] ? <ManagerPage id={seg[1]} ro={ro} /> : <Managers />;
	else if (page === 'apps') body = <Apps ro={ro} me={me} />;
	else if (page === 'companies') body = seg[1] ? <CompanyPage id={seg[1]} ro={ro} /> : <Companies ro={ro} />;
	else if (page === 'teams') body = <Teams ro={ro} />;
	else if (page === 'settings') body = <Settings ro={ro} role={role} sub={seg[1]} provider={seg[2]} view={seg[3]} />;
	else if (page === 'audit') body = <Audit />;
	else if (page === 'rooms') body = seg[1] ? <RoomPage id={seg[1]} ro={role !== 'admin'} me={me} /> : <Rooms ro={role !== 'admin'} />;
	else if (page === 'calendar') body = <Lazy load={loadCalendar} me={me} />;
	else if (page === 'support' && seg[1] === 'history' && seg[2]) body = <Lazy load={loadReplay} id={seg[2]} />;
	else if (page === 'support') body = <Lazy load={loadConsole} me={me} />;
	else if (page === 'reports') body = <Lazy load={loadReports} me={me} />;
	else if (page === 'hours') body = <BusinessHours />;

	return (
		<div class="shell">
			<a class="skip" href="#main" onClick={skipToMain}>{t('skipToMain')}</a>
			<header>
				<span class="brand">{t('appName')}</span>
				<nav aria-label={t('mainNav')}>
					{nav.map((p) => <Link key={p} href={'/' + p} aria-current={page === p ? 'page' : undefined}>{t(LABEL[p])}</Link>)}
				</nav>
				<Link href="/account" class="who" aria-current={page === 'account' ? 'page' : undefined}>{me.user.display_name} ({t('urole_' + me.user.role)})</Link>
				<button type="button" onClick={signOut}>{t('signOut')}</button>
			</header>
			{ro && page !== 'support' && <p class="banner" role="note">{t('readOnly')}</p>}
			{role === 'admin' && <MailBanner />}
			<main id="main" tabIndex={-1}>{body}</main>
		</div>
	);
}

// the skip link moves the focus itself: the router would otherwise take "#main" as a page
function skipToMain(e) {
	e.preventDefault();
	const m = document.getElementById('main');
	if (m) { m.focus(); m.scrollIntoView(); }
}

// each page's title is its first heading (a user's name, "Rooms", …) and the app's name; the
// headings come from many components and some load late, so the title follows the DOM
function followTitle(root) {
	let last = '';
	const update = () => {
		const h = root.querySelector('main h1, .card h1, .door h1');
		const text = h ? h.textContent.trim() : '';
		const title = text ? `${text} – convene` : 'convene';
		if (title !== last && !document.querySelector('.door')) { last = title; document.title = title; }
	};
	new MutationObserver(update).observe(root, { childList: true, subtree: true, characterData: true });
	update();
}

// the door screen (/display/{token}) has no user: it never touches the session, and its code
// is a chunk of its own
const DISPLAY = /^\/display\/([^/]+)\/?$/.exec(location.pathname);
function DisplayRoute({ token }) {
	const [page, setPage] = useState({ C: null, err: '' });
	useEffect(() => {
		import('./display/DisplayPage.jsx').then((m) => setPage({ C: m.DisplayPage, err: '' }),
			(e) => setPage({ C: null, err: errText(e) }));
	}, []);
	if (page.err) return <FormError text={page.err} />;
	return page.C ? <page.C token={token} /> : <Loading />;
}

const root = document.getElementById('app');
render(DISPLAY ? <DisplayRoute token={DISPLAY[1]} /> : <><App /><ConfirmHost /></>, root);
if (!DISPLAY) followTitle(root);
