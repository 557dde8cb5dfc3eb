// Settings → Calendar integration (account administrators only): a tab per provider (Google
// Workspace, Microsoft 365, Exchange Server), each with its status from GET /api/v1/calendar-
// integrations (a failure in the reader's language with its remedy), step 1 for the IT
// administrator (CalendarStep1.jsx), step 2 for the meeting administrator ("Connect": convene lists the
// organisation's rooms to prove its access, which takes seconds), then "Your calendar service is
// connected" with the connection's sync status, "Manage rooms" (CalendarRooms.jsx) and "Disconnect"
// after a confirmation. The tab is in the path (/settings/calendar/{provider}[/rooms]).
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t, codeText } from '../lib/i18n.js';
import { FormError, Loading, useLoad, confirmAction, navigate, errText } from '../lib/ui.jsx';
import { when } from '../lib/time.js';
import { PROVIDERS, intPath, pagePath } from './calendarSync.js';
import { StatusBadge, FailureText, useEvery, useKept } from './calendarSyncParts.jsx';
import { Step1 } from './CalendarStep1.jsx';
import { CalendarRooms } from './CalendarRooms.jsx';

const REFRESH_MS = 30000; // the sync status (last push, counts) as the worker moves it

export function CalendarIntegration({ provider: asked, view }) {
	const l = useLoad(() => get(intPath()), []);
	const tab = PROVIDERS.includes(asked) ? asked : 'google';
	useEvery(REFRESH_MS, l.reload);
	const onKey = (e) => {
		const i = PROVIDERS.indexOf(tab);
		const n = e.key === 'ArrowRight' ? (i + 1) % PROVIDERS.length : e.key === 'ArrowLeft' ? (i + PROVIDERS.length - 1) % PROVIDERS.length
			: e.key === 'Home' ? 0 : e.key === 'End' ? PROVIDERS.length - 1 : -1;
		if (n < 0) return;
		e.preventDefault();
		navigate(pagePath(PROVIDERS[n]));
		const list = e.currentTarget.parentNode;
		setTimeout(() => { const b = list.children[n]; if (b) b.focus(); }, 0);
	};
	const data = useKept(l.data);
	if (l.loading && !data) return <Loading />;
	if (l.error && !data) return <FormError text={l.error} />;
	const items = (data && data.items) || [];
	const conn = items.find((c) => c.provider === tab) || { provider: tab, status: 'not_configured', step1: {} };
	if (view === 'rooms') return <CalendarRooms conn={conn} onChanged={l.reload} />;
	return (
		<section aria-labelledby="ci-h">
			<h2 id="ci-h">{t('csTitle')}</h2>
			<p class="note">{t('csIntro')}</p>
			<div class="tabs" role="tablist" aria-label={t('csProviders')}>
				{PROVIDERS.map((p) => {
					const c = items.find((x) => x.provider === p);
					return <button key={p} type="button" role="tab" id={'cstab-' + p} aria-controls="cstab-panel"
						aria-selected={tab === p ? 'true' : 'false'} tabIndex={tab === p ? 0 : -1} onKeyDown={onKey}
						onClick={() => navigate(pagePath(p))}>{t('csProvider_' + p)}
						{c && c.status === 'connected' && <span class="sr"> ({codeText('csStatus_', c.status)})</span>}</button>;
				})}
			</div>
			<div role="tabpanel" id="cstab-panel" aria-labelledby={'cstab-' + tab}>
				<FormError text={l.error} />
				<Provider key={tab} conn={conn} onChanged={l.reload} />
			</div>
		</section>
	);
}

function Provider({ conn, onChanged }) {
	const p = conn.provider;
	const connected = conn.status === 'connected';
	const [connect, setConnect] = useState({ busy: false, fail: null, error: '', done: false });
	const [disc, setDisc] = useState({ busy: false, error: '' });
	async function doConnect() {
		setConnect({ busy: true, fail: null, error: '', done: false });
		try {
			await api('POST', intPath(p) + '/connect');
			setConnect({ busy: false, fail: null, error: '', done: true });
		} catch (e) {
			setConnect({ busy: false, fail: e.body && e.body.error_code ? e.body : null, error: e.body && e.body.error_code ? '' : errText(e), done: false });
		}
		onChanged();
	}
	async function disconnect() {
		if (!(await confirmAction(t('csDisconnectConfirm', { provider: t('csProvider_' + p) }), t('csDisconnect')))) return;
		setDisc({ busy: true, error: '' });
		try { await api('DELETE', intPath(p) + '?confirm=true'); setDisc({ busy: false, error: '' }); setConnect({ busy: false, fail: null, error: '', done: false }); }
		catch (e) { setDisc({ busy: false, error: errText(e) }); }
		onChanged();
	}
	return (<>
		<section class="panel" aria-labelledby="cs-st-h">
			<h3 id="cs-st-h">{t('csProvider_' + p)}</h3>
			<p>{t('status')}: <StatusBadge status={conn.status} /></p>
			{(conn.status === 'error' || conn.error_code) && <FailureText code={conn.error_code} params={conn.error_params} detail={conn.detail} />}
			{connected && <Connected conn={conn} justNow={connect.done} />}
			{conn.status !== 'not_configured' && <div class="row">
				<button type="button" class="danger" onClick={disconnect} disabled={disc.busy}
					aria-describedby={disc.error ? 'cs-disc-err' : undefined}>{disc.busy ? t('csWorking') : t('csDisconnect')}</button>
			</div>}
			{disc.error && <div class="error" id="cs-disc-err" role="alert">{disc.error}</div>}
		</section>

		{connected ? (
			<details class="panel">
				<summary><span id={'s1-h-' + p}>{t('csStep1Title')}</span></summary>
				<p class="note">{t('csStep1Again')}</p>
				<Step1 conn={conn} onSaved={onChanged} />
			</details>
		) : (<>
			<section class="panel" aria-labelledby={'s1-h-' + p}>
				<h3 id={'s1-h-' + p}>{t('csStep1Title')}</h3>
				<p>{t('csStep1Intro_' + p)}</p>
				<Step1 conn={conn} onSaved={onChanged} />
			</section>
			<section class="panel" aria-labelledby="s2-h">
				<h3 id="s2-h">{t('csStep2Title')}</h3>
				<p>{t('csStep2Reminder_' + p)}</p>
				{conn.status === 'not_configured' && <p class="note" id="s2-need">{t('csStep2NeedsStep1')}</p>}
				<div class="row">
					<button type="button" class="primary" onClick={doConnect} disabled={connect.busy || conn.status === 'not_configured'}
						aria-describedby={conn.status === 'not_configured' ? 's2-need' : connect.fail || connect.error ? 's2-fail' : undefined}>
						{connect.busy ? t('csConnecting') : t('csConnect')}</button>
				</div>
				<div aria-live="polite">{connect.busy && <p class="loading" role="status">{t('csConnectingLong')}</p>}</div>
				{connect.fail && <FailureText id="s2-fail" alert code={connect.fail.error_code} params={connect.fail.error_params} detail={connect.fail.detail} />}
				{connect.error && <div class="error" id="s2-fail" role="alert">{connect.error}</div>}
			</section>
		</>)}
	</>);
}

// the connection's sync status, and the way to its rooms
function Connected({ conn, justNow }) {
	const dash = <span class="note">{t('csNever')}</span>;
	return (<>
		<p class="ok connected-msg" role={justNow ? 'status' : undefined}><strong>{t('csConnected')}</strong></p>
		<div class="row"><button type="button" class="primary" onClick={() => navigate(pagePath(conn.provider, true))}>{t('csManageRooms')}</button></div>
		<dl class="pairs">
			<dt>{t('csConnectedSince')}</dt><dd>{conn.connected_at ? when(conn.connected_at) : dash}</dd>
			<dt>{t('csLastPush')}</dt><dd>{conn.last_push_at ? when(conn.last_push_at) : dash}</dd>
			<dt>{t('csLastFull')}</dt><dd>{conn.last_full_at ? when(conn.last_full_at) : dash}</dd>
			<dt>{t('csEventsSynced')}</dt><dd>{conn.events_synced || 0}</dd>
			<dt>{t('csConflictsResolved')}</dt><dd>{conn.conflicts_resolved || 0}</dd>
			<dt>{t('csRoomsLinked')}</dt><dd>{t('csRoomsLinkedN', { n: conn.rooms_linked || 0, total: conn.rooms_total || 0 })}</dd>
		</dl>
	</>);
}
