// What the schedule's Zoom meetings still owe Zoom (GET …/zoom-sync, an event's `sync`): a change
// being sent shows "Updating Zoom…"; one Zoom has not taken shows its reason with Retry (sent again,
// rebuilt from the event as it is now) and Dismiss (for an administrator who set Zoom right by hand).
// Two pieces: the state beside one event's meeting, and the Zoom tab's list. Each refusal is shown
// next to the button that caused it.
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t, codeText } from '../lib/i18n.js';
import { FormError, useLoad, errText } from '../lib/ui.jsx';
import { when } from '../lib/time.js';
import './strings.js';

const confPath = (confId) => '/api/v1/conferences/' + encodeURIComponent(confId);
export const syncPath = (confId, mid) => confPath(confId) + '/zoom-sync' + (mid ? '/' + encodeURIComponent(mid) : '');
const POLL_MS = 3000; // while a change is being sent: the worker takes it within seconds

// Retry and Dismiss of one failed change, with their refusal under them
function Actions({ name, retry, dismiss, onDone, idBase }) {
	const [busy, setBusy] = useState(false);
	const [err, setErr] = useState('');
	const [note, setNote] = useState('');
	const eid = idBase + '-err';
	async function run(fn, done) {
		setBusy(true); setErr(''); setNote('');
		try { await fn(); setNote(done); onDone(); } catch (e) { setErr(errText(e)); }
		setBusy(false);
	}
	return (
		<div>
			<div class="row">
				<button type="button" class="primary" disabled={busy} aria-label={t('zsRetryNamed', { name })}
					aria-describedby={err ? eid : undefined} onClick={() => run(retry, t('zsRetried'))}>{t('zsRetry')}</button>
				<button type="button" disabled={busy} aria-label={t('zsDismissNamed', { name })}
					aria-describedby={err ? eid : undefined} onClick={() => run(dismiss, t('zsDismissed'))}>{t('zsDismiss')}</button>
			</div>
			{busy && <span class="note" role="status">{t('zoomWorking')}</span>}
			{note && !busy && <span class="ok" role="status">{note}</span>}
			{err && <div class="error" id={eid} role="alert">{err}</div>}
		</div>
	);
}

// the state of one event's meeting: nothing when Zoom matches it
export function EventSync({ conf, event, link, onChanged }) {
	const sync = link.sync;
	useEffect(() => {
		if (!sync || sync.status !== 'pending') return undefined;
		const timer = setTimeout(onChanged, POLL_MS);
		return () => clearTimeout(timer);
	}, [sync && sync.status, sync && sync.updated_at, sync && sync.attempts]);
	if (!sync) return null;
	if (sync.status === 'pending')
		return <p class="note" role="status">{t('zsUpdating')}{sync.error ? ' ' + t('zsLastError', { error: sync.error }) : ''}</p>;
	const eventPath = confPath(conf.id) + '/events/' + encodeURIComponent(event.id) + '/zoom';
	return (
		<div class="zoom-sync">
			<p class="warn">{t('zsFailed', { error: sync.error || t('zsNoReason') })}</p>
			<Actions name={event.summary} idBase={'zs-ev-' + event.id} onDone={onChanged}
				retry={() => api('POST', eventPath + '/retry')}
				dismiss={() => api('DELETE', syncPath(conf.id, link.meeting_id))} />
		</div>
	);
}

// the Zoom tab's list: shown only when some change has not reached Zoom
export function SyncList({ conf }) {
	const l = useLoad(() => get(syncPath(conf.id) + '?limit=200'), [conf.id]);
	const items = (l.data && l.data.items) || [];
	const pending = items.some((i) => i.status === 'pending');
	useEffect(() => {
		if (!pending) return undefined;
		const timer = setTimeout(l.reload, POLL_MS);
		return () => clearTimeout(timer);
	}, [pending, l.data]);
	if (l.error) return <FormError text={l.error} />;
	if (!items.length) return null;
	return (
		<section class="panel" aria-labelledby="zs-h">
			<h2 id="zs-h">{t('zsTitle')}</h2>
			<p class="note">{t('zsIntro')}</p>
			<table>
				<thead><tr><th>{t('zmEvent')}</th><th>{t('zoomMeetingId')}</th><th>{t('zsChange')}</th><th>{t('zsReason')}</th>
					<th><span class="sr">{t('confActions')}</span></th></tr></thead>
				<tbody>{items.map((i) => {
					const name = i.summary === null ? t('zsDeletedEvent') : (i.summary || i.event_id);
					return (
						<tr key={i.meeting_id}>
							<td>{name}</td>
							<td>{i.meeting_id}</td>
							<td>{codeText('zsAction_', i.action)}</td>
							<td>{i.status === 'pending'
								? <span role="status">{t('zsUpdating')}{i.next_attempt_at ? ' ' + t('zsNextAt', { when: when(i.next_attempt_at) }) : ''}</span>
								: (i.error || t('zsNoReason'))}</td>
							<td>{i.status === 'failed' && <Actions name={name + ' (' + i.meeting_id + ')'} idBase={'zs-' + i.meeting_id} onDone={l.reload}
								retry={() => api('POST', syncPath(conf.id, i.meeting_id) + '/retry')}
								dismiss={() => api('DELETE', syncPath(conf.id, i.meeting_id))} />}</td>
						</tr>);
				})}
				</tbody>
			</table>
		</section>
	);
}
