// A closed (or live) session's transcript, read-only, at /support/history/{id}: who, when, the
// figures, the messages with the technicians' notes and the files; export buttons for those who
// may export it. An erased transcript shows its figures and says it was erased.
import { useState, useEffect } from 'preact/hooks';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { errText, FormError } from '../lib/ui.jsx';

const when = (s) => (s ? new Date(s * 1000).toLocaleString() : '');

function body(m, base) {
	if (m.kind === 'event') return m.event && m.event.state ? t('supState_' + m.event.state) : '';
	if (m.kind === 'file') {
		if (!m.file) return <em>{t('supFileErased')}</em>;
		const label = t('supFile', { name: m.file.name, kb: Math.max(1, Math.round(m.file.size / 1024)) });
		return <a href={base + '/files/' + encodeURIComponent(m.file.id)} download={m.file.name}>{label}</a>;
	}
	return m.text;
}

export function Replay({ id }) {
	const [tr, setTr] = useState(null);
	const [may, setMay] = useState({});
	const [error, setError] = useState('');
	const base = `/api/v1/support/sessions/${encodeURIComponent(id)}`;
	useEffect(() => {
		api('GET', base + '/transcript').then(setTr).catch((e) => setError(errText(e)));
		api('GET', base).then((s) => setMay((s && s.may) || {})).catch(() => {});
	}, [base]);
	if (error) return <FormError text={error} />;
	if (!tr) return null;
	const f = tr.figures || {};
	const title = (tr.customer && tr.customer.name) || id;
	return (
		<article class="panel replay" aria-labelledby="replay-title">
			<header class="row">
				<h2 id="replay-title">{t('supHistoryTitle')}: {title}</h2>
				{tr.customer && <span class="note">{tr.customer.email}</span>}
				<span class="note">{when(tr.created_at)}{tr.closed_at ? ' – ' + when(tr.closed_at) : ''}</span>
			</header>
			<p>{t('supFigures', { c: f.customer_messages || 0, t: f.technician_messages || 0, n: f.notes || 0, f: f.files || 0 })}</p>
			{tr.keep_until && !tr.transcript_erased && <p class="note">{t('supKeptUntil', { date: when(tr.keep_until) })}</p>}
			{tr.transcript_erased && <p role="note"><strong>{t('supErasedNote')}</strong></p>}
			{may.export && (
				<div class="row">
					<a class="button" href={base + '/export?format=html'} download>{t('supExportHtml')}</a>
					<a class="button" href={base + '/export?format=json'} download>{t('supExportJson')}</a>
				</div>
			)}
			<div class="chat-log" role="log" tabIndex={0}><ol>
				{(tr.messages || []).map((m) => {
					const b = body(m, base);
					if (!b) return null;
					const who = m.kind === 'note' ? t('supNote') : m.author_kind === 'customer' ? title : m.author_kind === 'technician' ? t('supColleague') : '';
					return (
						<li key={m.seq} class={'chat-msg chat-' + m.author_kind + (m.kind === 'note' ? ' chat-note' : '')}>
							{who && <span class="chat-who">{who}</span>}
							<span class="chat-body">{b}</span>
							<time class="chat-time" dateTime={new Date(m.created_at * 1000).toISOString()}>{when(m.created_at)}</time>
						</li>
					);
				})}
			</ol></div>
		</article>
	);
}
