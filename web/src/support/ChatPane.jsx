// One chat in the technicians' console: the customer and their company, the transcript (private
// notes marked as such), the customer's typing, a box to answer or to write a note, and closing.
// The transcript comes from the session's stream, which resumes where it stopped. A supervisor
// watching (`watch`) reads the same pane without the box, and marks nothing as read.
import { useState, useEffect, useRef } from 'preact/hooks';
import { api, apiRaw } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { errText, FormError } from '../lib/ui.jsx';
import { openStream } from '../lib/stream.js';

const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 6000;

// the session's stream: transcript entries (`message`, id = seq, resumed after a drop) and the
// status (`status`: state, customer, typing, read marks)
function useSessionStream(id, on) {
	useEffect(() => openStream(`/api/v1/support/sessions/${encodeURIComponent(id)}/stream`,
		{ message: on.message, status: on.status }, { onEnd: () => { on.gone(); return false; } }), [id]);
}

function eventText(ev) {
	if (!ev || ev.type !== 'state') return '';
	if (ev.state === 'active') return ev.technician ? t('supJoined', { name: ev.technician }) : '';
	if (ev.state === 'waiting') return t('supBackInQueue');
	if (ev.state === 'closed') return ev.by === 'customer' ? t('supClosedByCustomer') : t('supClosed');
	return '';
}

export function ChatPane({ id, me, onClosed, watch = false }) {
	const [msgs, setMsgs] = useState([]);
	const [state, setState] = useState(null);
	const [typing, setTyping] = useState(false);
	const [text, setText] = useState('');
	const [note, setNote] = useState(false);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const off = useRef(null);
	const last = useRef(0);
	const log = useRef(null);
	const base = `/api/v1/support/sessions/${encodeURIComponent(id)}`;
	useEffect(() => () => clearTimeout(off.current), []);
	// what the caller may do here (file transfer, replay): the buttons follow
	const [may, setMay] = useState({});
	useEffect(() => { api('GET', base).then((x) => setMay((x && x.may) || {})).catch(() => {}); }, [base]);
	const attach = async (e) => {
		const f = e.currentTarget.files && e.currentTarget.files[0];
		e.currentTarget.value = '';
		if (!f || busy) return;
		setBusy(true); setError('');
		try { await apiRaw('POST', base + '/files?name=' + encodeURIComponent(f.name), f, f.type || 'application/octet-stream'); }
		catch (err) { setError(errText(err)); }
		finally { setBusy(false); }
	};
	const fileBody = (m) => {
		const f = m.file;
		if (!f) return <em>{t('supFileErased')}</em>;
		const label = t('supFile', { name: f.name, kb: Math.max(1, Math.round(f.size / 1024)) });
		// the customer's files open only with file_transfer_receive
		if (m.author_kind === 'customer' && !may.receive_files) return <span>{label} — {t('supFileNoReceive')}</span>;
		return <a href={base + '/files/' + encodeURIComponent(f.id)} download={f.name}>{label}</a>;
	};
	useSessionStream(id, {
		message: (m) => setMsgs((ms) => (ms.some((x) => x.seq === m.seq) ? ms : [...ms, m].sort((a, b) => a.seq - b.seq))),
		status: (st) => {
			setState(st);
			clearTimeout(off.current);
			const on = !!(st.typing && st.typing.customer);
			setTyping(on);
			if (on) off.current = setTimeout(() => setTyping(false), TYPING_SHOWN_MS);
		},
		gone: () => setState((s) => ({ ...(s || {}), state: 'closed' })),
	});
	useEffect(() => {
		if (log.current) log.current.scrollTop = log.current.scrollHeight;
		const n = msgs.length ? msgs[msgs.length - 1].seq : 0;
		if (n && !watch) api('POST', base + '/read', { seq: n }).catch(() => {});
	}, [msgs.length]);
	const s = state || {};
	const readSeq = s.customer_read_seq || 0;
	const closed = s.state === 'closed';
	const send = async (e) => {
		e.preventDefault();
		const body = text.trim();
		if (!body || busy) return;
		setBusy(true); setError('');
		try { await api('POST', base + (note ? '/notes' : '/messages'), { text: body }); setText(''); }
		catch (err) { setError(errText(err)); }
		finally { setBusy(false); }
	};
	const type = (v) => {
		setText(v);
		if (!note && Date.now() - last.current > TYPING_EVERY_MS) { last.current = Date.now(); api('POST', base + '/typing', {}).catch(() => {}); }
	};
	const close = async () => {
		setError('');
		try { await api('POST', base + '/close', {}); } catch (err) { setError(errText(err)); }
	};
	const title = (s.customer && s.customer.name) || t('supCustomer');
	const mineSeen = msgs.filter((m) => m.author_kind === 'technician' && m.kind === 'text' && m.seq <= readSeq).length;
	return (
		<article class="panel chat-pane" aria-label={t('supChatWith', { name: title })}>
			<header class="row">
				<h2>{title}</h2>
				{s.customer && <span class="note">{s.customer.email}</span>}
				<span class="note">{t('supState_' + (s.state || 'waiting'))}</span>
			</header>
			<div class="chat-log" ref={log} role="log" aria-live="polite" tabIndex={0} aria-label={t('supTranscript')}><ol>
				{msgs.map((m) => {
					const body = m.kind === 'event' ? eventText(m.event) : m.kind === 'file' ? fileBody(m) : m.text;
					if (!body) return null;
					const who = m.kind === 'note' ? t('supNote') : m.author_kind === 'customer' ? title : m.author_kind === 'system' ? ''
						: m.author_id === me.user.id ? t('supYou') : t('supColleague');
					return (
						<li key={m.seq} class={'chat-msg chat-' + m.author_kind + (m.kind === 'note' ? ' chat-note' : '')}>
							{who && <span class="chat-who">{who}</span>}
							<span class="chat-body">{body}</span>
						</li>
					);
				})}
			</ol></div>
			<p class="chat-typing" aria-live="polite">{typing && !closed ? t('supTyping', { name: title }) : mineSeen ? t('supSeen') : ''}</p>
			{watch && !closed ? <div class="row"><span class="note">{t('supWatching')}</span>
				<button type="button" onClick={onClosed}>{t('supStopWatching')}</button></div> : closed ? <div class="row"><span>{t('supClosed')}</span>
				{may.replay && <a href={'/support/history/' + encodeURIComponent(id)}>{t('supReplay')}</a>}
				<button type="button" onClick={onClosed}>{t('supDismiss')}</button></div> : (
				<form onSubmit={send}>
					<label class="check"><input type="checkbox" checked={note} onChange={(e) => setNote(e.currentTarget.checked)} /> {t('supAsNote')}</label>
					<label for={'txt-' + id} class="sr">{note ? t('supNote') : t('supReply')}</label>
					<textarea id={'txt-' + id} rows={2} value={text} onInput={(e) => type(e.currentTarget.value)}
						onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) send(e); }} />
					<div class="row">
						<button type="submit" class="primary" disabled={busy || !text.trim()}>{note ? t('supAddNote') : t('supSend')}</button>
						{may.send_files && <>
							<label class="button" for={'file-' + id}>{t('supAttach')}</label>
							<input id={'file-' + id} class="sr" type="file" onChange={attach} disabled={busy}
								accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,application/zip,text/plain,.log,.txt" />
						</>}
						<button type="button" onClick={close}>{t('supClose')}</button>
					</div>
				</form>
			)}
			<FormError text={error} />
		</article>
	);
}
