// A Zoom connection's page (/conferences/{id}/zoom/{cid}): the Zoom account and its scheduled
// meetings from convene's cache (start in the conference's and the meeting's zone, join link with
// a copy button, passcode when known), "Refresh" (Zoom is asked; progress shown, and when Zoom
// said 429 or is down, the kept cache with what went wrong in the reader's language and the time
// to retry), "Start as host" (a fresh start_url opened in a new tab and never kept here), and live
// updates over the connection's SSE stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, FormError, Link, Loading, useForm, useLoad, errText, confirmAction, navigate } from '../lib/ui.jsx';
import { when } from '../lib/time.js';
import { confPath } from './ConferencePage.jsx';
import { StatusBadge, connPath, startConnect, zoomErrorText, zoomRetryText } from './ZoomTab.jsx';
import { zoneTime } from './zoomTimes.js';
import './strings.js';

const POLL_MS = 1500, POLL_MAX = 20;

export function ZoomConnection({ confId, cid }) {
	const conf = useLoad(() => get(confPath(confId)), [confId]);
	const conn = useLoad(() => get(connPath(confId, cid)), [confId, cid]);
	const [refresh, setRefresh] = useState({ busy: false, error: '' });
	const [act, setAct] = useState({ busy: false, error: '' });
	const reload = useRef(conn.reload);
	reload.current = conn.reload;
	// live: each `connection` event (a refresh done, a webhook, a disconnect elsewhere) reloads
	useEffect(() => {
		if (typeof EventSource === 'undefined') return undefined;
		const es = new EventSource(connPath(confId, cid) + '/stream');
		es.addEventListener('connection', () => reload.current());
		es.addEventListener('end', () => { es.close(); reload.current(); });
		return () => es.close();
	}, [confId, cid]);

	async function doRefresh() {
		const before = conn.data && conn.data.refreshed_at;
		setRefresh({ busy: true, error: '' });
		try {
			const r = await api('POST', connPath(confId, cid) + '/refresh');
			// an answer that is not the refreshed connection yet (202, no meetings): wait until it is
			for (let i = 0; i < POLL_MAX && !(r && Array.isArray(r.meetings)); i++) {
				await new Promise((ok) => setTimeout(ok, POLL_MS));
				const x = await get(connPath(confId, cid));
				if (x.refreshed_at !== before || x.retry_at || x.error) break;
			}
			setRefresh({ busy: false, error: '' });
		} catch (e) {
			setRefresh({ busy: false, error: errText(e) });
		}
		conn.reload();
	}
	async function disconnect() {
		if (!(await confirmAction(t('zoomDisconnectConfirm', { name: conn.data.name }), t('zoomDisconnect')))) return;
		setAct({ busy: true, error: '' });
		try { await api('DELETE', connPath(confId, cid)); navigate('/conferences/' + encodeURIComponent(confId) + '/zoom'); }
		catch (e) { setAct({ busy: false, error: errText(e) }); }
	}
	async function connect() {
		setAct({ busy: true, error: '' });
		try { await startConnect(confId, cid); } catch (e) { setAct({ busy: false, error: errText(e) }); }
	}

	const back = <p><Link href={'/conferences/' + encodeURIComponent(confId) + '/zoom'}>← {conf.data ? conf.data.name : t('conferences')}</Link></p>;
	if ((conn.loading && !conn.data) || (conf.loading && !conf.data)) return <>{back}<Loading /></>;
	if (conn.error || conf.error) return <>{back}<FormError text={conn.error || conf.error} /></>;
	const c = conn.data;
	const a = c.account;
	const meetings = c.meetings || [];
	return (
		<section aria-labelledby="zp-h">
			{back}
			<h1 id="zp-h">{c.name}</h1>
			<p><StatusBadge status={c.status} /></p>
			{c.status === 'needs_reconnect' && <p class="banner-inline">{zoomErrorText(c)}</p>}
			<div class="row">
				{c.status !== 'connected' && <button type="button" class={c.status === 'needs_reconnect' ? 'primary' : ''} onClick={connect}
					disabled={act.busy}>{c.status === 'needs_reconnect' ? t('zoomReconnect') : t('zoomConnect')}</button>}
				{c.status === 'connected' && <button type="button" class="primary" onClick={doRefresh} disabled={refresh.busy}
					aria-describedby="zp-refreshed">{refresh.busy ? t('zoomRefreshing') : t('zoomRefresh')}</button>}
				<button type="button" class="danger" onClick={disconnect} disabled={act.busy}>{t('zoomDisconnect')}</button>
			</div>
			<p class="note" id="zp-refreshed">{c.refreshed_at ? t('zoomRefreshedWhen', { when: when(c.refreshed_at) }) : t('zoomNotRefreshed')}</p>
			<div aria-live="polite">
				{refresh.busy && <p role="status" class="loading">{t('zoomAsking')}</p>}
				{c.status !== 'needs_reconnect' && c.error && <p class="error">{zoomErrorText(c)}</p>}
				{c.retry_at && <p class="note" role="status">{zoomRetryText(c)}</p>}
			</div>
			<FormError text={refresh.error || act.error} />

			<Rename key={c.name} confId={confId} conn={c} onSaved={conn.reload} />

			<section class="panel" aria-labelledby="zp-acc-h">
				<h2 id="zp-acc-h">{t('zoomAccount')}</h2>
				{a ? (
					<dl class="pairs">
						<dt>{t('name')}</dt><dd>{a.display_name}</dd>
						<dt>{t('email')}</dt><dd>{a.email}</dd>
						<dt>{t('zoomAccountId')}</dt><dd><code>{a.account_id}</code></dd>
						<dt>{t('zoomPlan')}</dt><dd>{t(a.plan === 'basic' ? 'zoomPlanBasic' : a.plan === 'licensed' ? 'zoomPlanLicensed' : 'zoomPlanOther')}</dd>
						<dt>{t('timeZone')}</dt><dd>{a.time_zone}</dd>
					</dl>) : <p>{t('zoomNoAccount')}</p>}
			</section>

			<section class="panel" aria-labelledby="zp-m-h">
				<h2 id="zp-m-h">{t('zoomMeetings')}</h2>
				{meetings.length ? <Meetings confId={confId} cid={cid} zone={conf.data.time_zone} meetings={meetings} />
					: <p>{a ? t('zoomNoMeetings') : t('zoomConnectFirst')}</p>}
			</section>
		</section>
	);
}

// the connection's name (PATCH {name}); the refusal shows at the field
function Rename({ confId, conn, onSaved }) {
	const [name, setName] = useState(conn.name);
	const f = useForm();
	const submit = (e) => {
		e.preventDefault();
		f.run(async () => { await api('PATCH', connPath(confId, conn.id), { name }); onSaved(); });
	};
	return (
		<details class="panel">
			<summary>{t('zoomRename')}</summary>
			<form class="filters" onSubmit={submit}>
				<Field label={t('zoomConnectionName')} value={name} onInput={setName} error={f.errors.name} required maxLength={200} />
				<button type="submit" disabled={f.busy}>{f.busy ? t('saving') : t('save')}</button>
			</form>
			<FormError text={f.formError} />
		</details>
	);
}

function Meetings({ confId, cid, zone, meetings }) {
	return (
		<table class="meetings">
			<thead><tr>
				<th>{t('zoomTopic')}</th><th>{t('zoomStartConf', { zone })}</th><th>{t('zoomStartOwn')}</th>
				<th>{t('zoomDuration')}</th><th>{t('zoomMeetingId')}</th><th>{t('zoomJoin')}</th><th>{t('zoomPasscode')}</th>
				<th><span class="sr">{t('confActions')}</span></th>
			</tr></thead>
			<tbody>{meetings.map((m) => <MeetingRow key={m.id} confId={confId} cid={cid} zone={zone} m={m} />)}</tbody>
		</table>
	);
}

function MeetingRow({ confId, cid, zone, m }) {
	const [copied, setCopied] = useState(false);
	const [start, setStart] = useState({ busy: false, error: '' });
	const ref = useRef();
	async function copy() {
		try { await navigator.clipboard.writeText(m.join_url); setCopied(true); return; } catch { /* no clipboard API here */ }
		// selected, so that Ctrl+C copies it at worst
		const sel = getSelection(), range = document.createRange();
		range.selectNodeContents(ref.current);
		sel.removeAllRanges(); sel.addRange(range);
		try { setCopied(document.execCommand('copy')); } catch { /* left selected */ }
	}
	// the tab is opened at the click (a popup blocker allows that), then sent to the fresh start_url,
	// which lives in this function only
	async function startHost() {
		setStart({ busy: true, error: '' });
		const w = window.open('', '_blank');
		try {
			const r = await api('POST', connPath(confId, cid) + '/meetings/' + encodeURIComponent(m.id) + '/start');
			if (w) { w.opener = null; w.location.href = r.start_url; } else window.open(r.start_url, '_blank', 'noopener');
			setStart({ busy: false, error: '' });
		} catch (e) {
			if (w) w.close();
			setStart({ busy: false, error: errText(e) });
		}
	}
	const eid = 'zm-err-' + m.id;
	return (
		<tr class={m.gone ? 'gone' : undefined}>
			<td>{m.topic}{m.gone && <div class="note">{t('zoomGone')}</div>}</td>
			<td>{m.start ? zoneTime(m.start, zone) : <span class="note">{t('zoomNoFixedTime')}</span>}</td>
			<td>{m.start ? <>{zoneTime(m.start, m.timezone || zone)} <span class="note">{m.timezone || zone}</span></> : ''}</td>
			<td>{t('zoomMinutes', { n: m.duration || 0 })}</td>
			<td><code>{m.id}</code></td>
			<td class="join">
				{m.join_url && <>
					<a href={m.join_url} target="_blank" rel="noopener noreferrer" ref={ref}>{m.join_url}</a>
					<button type="button" class="small" onClick={copy} aria-label={t('zoomCopyJoin', { topic: m.topic })}>{copied ? t('copied') : t('copy')}</button>
				</>}
			</td>
			<td>{m.passcode ? <code>{m.passcode}</code> : <span class="note">{t('zoomPasscodeUnknown')}</span>}</td>
			<td>
				{!m.gone && <button type="button" class="small" onClick={startHost} disabled={start.busy}
					aria-label={t('zoomStartHostNamed', { topic: m.topic })} aria-describedby={start.error ? eid : undefined}>
					{start.busy ? t('zoomWorking') : t('zoomStartHost')}</button>}
				{start.error && <div class="error" id={eid} role="alert">{start.error}</div>}
			</td>
		</tr>
	);
}
