// The technicians' console (/support): presence (online, away, offline; away by itself after a
// while without input, busy shown when the server says the limit of concurrent chats is
// reached), the queue and open offline requests of the portals one serves, and one's chats side
// by side. Everything is live: the console's own stream says when the queue or presences change
// (and, while it is open, keeps the technician present: a closed laptop goes offline by itself).
import { useState, useEffect, useRef } from 'preact/hooks';
import { api, get, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { errText, FormError, Loading } from '../lib/ui.jsx';
import { openStream } from '../lib/stream.js';
import { ChatPane } from './ChatPane.jsx';
import { History } from './History.jsx';
import { Team } from './Team.jsx';
import { TeamChats } from './TeamChats.jsx';
import './strings.js';
import './console.css';

const IDLE_AWAY_MS = 5 * 60 * 1000;
const STATES = ['online', 'away', 'offline'];
const VIEW_LABEL = { chats: 'supViewChats', history: 'supHistory', team: 'supTeam', watch: 'supTeamChats' };

// the queue, one's own chats and presence: fetched once, then kept by the console's stream, whose
// events (`console`) carry them whole whenever they change
function useConsole() {
	const [data, setData] = useState(null);
	const [error, setError] = useState('');
	const [n, setN] = useState(0);
	useEffect(() => {
		let alive = true;
		Promise.all([get('/api/v1/support/queue'), get('/api/v1/support/presence')]).then(([queue, presence]) => {
			if (alive) { setData({ queue: queue.items, mine: queue.mine || [], presence }); setError(''); }
		}, (e) => { if (alive) setError(errText(e)); });
		return () => { alive = false; };
	}, [n]);
	useEffect(() => openStream('/api/v1/support/stream', {
		console: (d) => setData({ queue: d.queue || [], mine: d.mine || [], presence: d.presence || {} }),
	}), []);
	return { data, error, reload: () => setN((x) => x + 1) };
}

// away after IDLE_AWAY_MS without input while online; back online at the next input, but only
// when it was this page that made the technician away
function useIdleAway(state, setState) {
	const auto = useRef(false);
	useEffect(() => {
		let last = Date.now();
		const input = () => {
			last = Date.now();
			if (auto.current && state === 'away') { auto.current = false; setState('online'); }
		};
		const tick = setInterval(() => {
			if (state === 'online' && Date.now() - last > IDLE_AWAY_MS) { auto.current = true; setState('away'); }
		}, 15000);
		const evs = ['keydown', 'pointerdown', 'pointermove', 'focus'];
		evs.forEach((e) => addEventListener(e, input, { passive: true }));
		return () => { clearInterval(tick); evs.forEach((e) => removeEventListener(e, input)); };
	}, [state]);
}

function Presence({ presence, onChange, error }) {
	const state = presence.state || 'offline';
	const shown = presence.effective || state;
	return (
		<div class="row presence" role="group" aria-label={t('supPresence')}>
			<span class={'presence-dot presence-' + shown} aria-hidden="true" />
			<span>{t('supYouAre')} <strong>{t('supState_' + shown)}</strong></span>
			{STATES.map((s) => (
				<button key={s} type="button" aria-pressed={state === s} onClick={() => onChange(s)}>{t('supSet_' + s)}</button>
			))}
			{presence.max_sessions > 0 && <span class="note">{t('supLimit', { n: presence.max_sessions })}</span>}
			<FormError text={error} />
		</div>
	);
}

function Queue({ items, onPick, busy, me }) {
	const waiting = items.filter((s) => s.state === 'waiting');
	const offline = items.filter((s) => s.state === 'offline');
	const row = (s) => (
		<li key={s.id}>
			<div><strong>{s.customer.name}</strong> <span class="note">{s.customer.email}</span></div>
			{s.question && <div class="queue-question">{s.question}</div>}
			<div class="row">
				<span class="note">{new Date(s.created_at * 1000).toLocaleString()}</span>
				<button type="button" class="primary" disabled={busy} onClick={() => onPick(s)}
					aria-label={t('supPickUpWho', { name: s.customer.name })}>{s.state === 'offline' ? t('supAnswer') : t('supPickUp')}</button>
				{s.offered_to && s.offered_to === me && <span class="note">{t('supOffered')}</span>}
				{s.state === 'offline' && s.awaiting && <span class={'note awaiting-' + s.awaiting}>{t('supAwaiting_' + s.awaiting)}</span>}
			</div>
		</li>
	);
	return (
		<>
			<section aria-labelledby="q-h" class="panel">
				<h2 id="q-h">{t('supQueue')} ({waiting.length})</h2>
				{waiting.length ? <ul class="queue">{waiting.map(row)}</ul> : <p>{t('supQueueEmpty')}</p>}
			</section>
			<section aria-labelledby="o-h" class="panel">
				<h2 id="o-h">{t('supOffline')} ({offline.length})</h2>
				{offline.length ? <ul class="queue">{offline.map(row)}</ul> : <p>{t('supOfflineEmpty')}</p>}
			</section>
		</>
	);
}

export function Console({ me }) {
	const c = useConsole();
	const [presErr, setPresErr] = useState('');
	const [pickErr, setPickErr] = useState('');
	const [busy, setBusy] = useState(false);
	const [open, setOpen] = useState([]); // ids of chats shown, besides the active ones
	const [view, setView] = useState('chats');
	const manages = me.user.role === 'admin' || me.user.role === 'manager';
	const presence = (c.data && c.data.presence) || {};
	const setState = async (s) => {
		setPresErr('');
		try { await api('PUT', '/api/v1/support/presence', { state: s }); c.reload(); }
		catch (e) { setPresErr(errText(e)); }
	};
	useIdleAway(presence.state, setState);
	if (!c.data) return c.error ? <FormError text={c.error} /> : <Loading />;
	const items = c.data.queue || [];
	const mine = c.data.mine.map((s) => s.id);
	const shown = [...new Set([...mine, ...open])];
	const pick = async (s) => {
		setBusy(true); setPickErr('');
		try {
			if (s.state === 'waiting') await api('POST', `/api/v1/support/sessions/${s.id}/pick-up`);
			setOpen((o) => [...new Set([...o, s.id])]);
			c.reload();
		} catch (e) {
			setPickErr(e instanceof ApiError && e.status === 409 ? t('supTaken') : errText(e));
			c.reload();
		} finally { setBusy(false); }
	};
	return (
		<section aria-labelledby="sup-h" class="console">
			<h1 id="sup-h">{t('supConsole')}</h1>
			<Presence presence={presence} onChange={setState} error={presErr} />
			<div class="row" role="group" aria-label={t('supViews')}>
				{['chats', 'history', ...(manages ? ['team', 'watch'] : [])].map((v) => (
					<button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
						{t(VIEW_LABEL[v])}</button>
				))}
			</div>
			{view === 'history' && <History />}
			{view === 'team' && <Team />}
			{view === 'watch' && <TeamChats me={me} />}
			<div class="console-grid" hidden={view !== 'chats'}>
				<div class="console-side">
					<FormError text={pickErr} />
					<Queue items={items} onPick={pick} busy={busy} me={me.user.id} />
				</div>
				<div class="console-chats" aria-label={t('supChats')} role="region">
					{shown.length ? shown.map((id) => <ChatPane key={id} id={id} me={me} onClosed={() => { setOpen((o) => o.filter((x) => x !== id)); c.reload(); }} />)
						: <p class="panel">{t('supNoChats')}</p>}
				</div>
			</div>
		</section>
	);
}
