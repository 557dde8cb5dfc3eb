// The Zoom meetings of a conference's schedule (issue 15 section 5), under its Schedule tab: the
// schedule's events during the conference, each with its Zoom meeting — the join link and Remove,
// or "Create Zoom meeting" with a chosen connection, or "Use an existing meeting" of that
// connection's cached meetings; and a change of the event that Zoom has not taken yet (zoomSync.jsx). The server writes the link into the event (CONFERENCE and its
// description), so calendar apps and feeds carry it too.
import { useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { FormError, Loading, useLoad, errText, confirmAction } from '../lib/ui.jsx';
import { connPath } from './ZoomTab.jsx';
import { EventSync } from './zoomSync.jsx';
import './strings.js';

const day = (d, plus) => new Date(Date.parse(d + 'T00:00:00Z') + plus * 86400000).toISOString().slice(0, 10);

export function ScheduleMeetings({ conf }) {
	const range = '?start=' + day(conf.starts_on, -1) + 'T00:00:00Z&end=' + day(conf.ends_on, 2) + 'T00:00:00Z';
	const ev = useLoad(() => get('/api/v1/calendars/' + encodeURIComponent(conf.calendar_id) + '/events' + range), [conf.id]);
	const cn = useLoad(() => get(connPath(conf.id)), [conf.id]);
	if ((ev.loading && !ev.data) || (cn.loading && !cn.data)) return <Loading />;
	const seen = new Set();
	// occurrences (event_id) of the window: one row per event
	const events = ((ev.data && ev.data.items) || []).map((o) => ({ ...o, id: o.event_id || o.id }))
		.filter((e) => !seen.has(e.id) && seen.add(e.id));
	const conns = ((cn.data && cn.data.items) || []).filter((c) => c.status === 'connected');
	return (
		<section class="panel" aria-labelledby="sm-h">
			<h2 id="sm-h">{t('zmSchedule')}</h2>
			<FormError text={ev.error || cn.error} />
			{!conns.length && <p class="note">{t('zmNoConnection')}</p>}
			{events.length ? (
				<table>
					<thead><tr><th>{t('zmEvent')}</th><th>{t('zmStart')}</th><th>{t('zmMeeting')}</th></tr></thead>
					<tbody>{events.map((e) => (
						<tr key={e.id}>
							<td>{e.summary}</td>
							<td>{String(e.start || '').replace('T', ' ')}</td>
							<td><EventMeeting conf={conf} event={e} conns={conns} /></td>
						</tr>))}
					</tbody>
				</table>) : <p>{t('zmNoEvents')}</p>}
		</section>
	);
}

function EventMeeting({ conf, event, conns }) {
	const path = '/api/v1/conferences/' + encodeURIComponent(conf.id) + '/events/' + encodeURIComponent(event.id) + '/zoom';
	const link = useLoad(() => api('GET', path).catch((e) => { if (e.status === 404) return null; throw e; }), [path]);
	const [cid, setCid] = useState('');
	const [mid, setMid] = useState('');
	const [busy, setBusy] = useState(false);
	const [err, setErr] = useState('');
	const chosen = cid || (conns[0] && conns[0].id) || '';
	const meetings = useLoad(() => chosen ? get(connPath(conf.id, chosen)) : Promise.resolve(null), [chosen]);
	const eid = 'zm-err-' + event.id;
	async function run(fn) {
		setBusy(true); setErr('');
		try { await fn(); link.reload(); } catch (e) { setErr(errText(e)); }
		setBusy(false);
	}
	if (link.loading && !link.data) return <Loading />;
	if (link.data) {
		const remove = async () => {
			if (!(await confirmAction(t('zmRemoveConfirm', { name: event.summary }), t('zmRemove')))) return;
			run(() => api('DELETE', path));
		};
		return (
			<div>
				<a href={link.data.join_url} target="_blank" rel="noopener noreferrer">{link.data.join_url}</a>
				<EventSync conf={conf} event={event} link={link.data} onChanged={link.reload} />
				<div class="row">
					<button type="button" class="danger" disabled={busy} onClick={remove}
						aria-label={t('zmRemoveNamed', { name: event.summary })} aria-describedby={err ? eid : undefined}>{t('zmRemove')}</button>
				</div>
				{err && <div class="error" id={eid} role="alert">{err}</div>}
			</div>
		);
	}
	if (!conns.length) return <span class="note">{t('zmNone')}</span>;
	const list = ((meetings.data && meetings.data.meetings) || []).filter((m) => !m.gone);
	const sel = 'zm-c-' + event.id, msel = 'zm-m-' + event.id;
	return (
		<div>
			<div class="row">
				<label for={sel}>{t('zmConnection')}</label>
				<select id={sel} value={chosen} onChange={(e) => { setCid(e.currentTarget.value); setMid(''); }}>
					{conns.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
				</select>
				<button type="button" class="primary" disabled={busy || !chosen} aria-describedby={err ? eid : undefined}
					aria-label={t('zmCreateNamed', { name: event.summary })}
					onClick={() => run(() => api('POST', path, { connection_id: chosen }))}>{t('zmCreate')}</button>
			</div>
			{list.length > 0 && (
				<div class="row">
					<label for={msel}>{t('zmExisting')}</label>
					<select id={msel} value={mid} onChange={(e) => setMid(e.currentTarget.value)}>
						<option value="">—</option>
						{list.map((m) => <option key={m.id} value={m.id}>{m.topic} ({m.id})</option>)}
					</select>
					<button type="button" disabled={busy || !mid} aria-label={t('zmUseNamed', { name: event.summary })}
						onClick={() => run(() => api('PUT', path, { connection_id: chosen, meeting_id: mid }))}>{t('zmUse')}</button>
				</div>)}
			{busy && <span class="note" role="status">{t('zoomWorking')}</span>}
			{err && <div class="error" id={eid} role="alert">{err}</div>}
		</div>
	);
}
