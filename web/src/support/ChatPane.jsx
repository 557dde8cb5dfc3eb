// One chat in the technicians' console: the customer and their company, the transcript (private
// notes marked as such), the customer's typing, a box to answer or to write a note, and closing.
// The transcript comes from the session's stream, which resumes where it stopped.
import { useState, useEffect, useRef } from 'preact/hooks';
import { api, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { errText, FormError } from '../lib/ui.jsx';

const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 6000;
const RETRY_MS = 5000;

function useSessionStream(id, on) {
	useEffect(() => {
		let es = null, retry = null, alive = true;
		const parse = (e) => { try { return JSON.parse(e.data); } catch { return null; } };
		const connect = () => {
			if (typeof EventSource === 'undefined') return;
			es = new EventSource(`/api/v1/support/sessions/${encodeURIComponent(id)}/stream`);
			['message', 'state', 'typing', 'read'].forEach((name) => es.addEventListener(name, (e) => {
				const d = parse(e);
				if (alive && d) on[name](d);
			}));
			es.addEventListener('end', () => { es.close(); es = null; if (alive) on.gone(); });
			es.onerror = () => {
				if (!es || es.readyState !== EventSource.CLOSED) return;
				es.close(); es = null;
				clearTimeout(retry); retry = setTimeout(connect, RETRY_MS);
			};
		};
		connect();
		return () => { alive = false; clearTimeout(retry); if (es) es.close(); };
	}, [id]);
}

export function ChatPane({ id, onClosed }) {
	const [info, setInfo] = useState(null);
	const [msgs, setMsgs] = useState([]);
	const [state, setState] = useState(null);
	const [typing, setTyping] = useState(false);
	const [readSeq, setReadSeq] = useState(0);
	const [text, setText] = useState('');
	const [note, setNote] = useState(false);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const off = useRef(null);
	const last = useRef(0);
	const log = useRef(null);
	const base = `/api/v1/support/sessions/${encodeURIComponent(id)}`;
	useEffect(() => { get(base).then(setInfo, (e) => setError(errText(e))); }, [id]);
	useSessionStream(id, {
		message: (m) => setMsgs((ms) => (ms.some((x) => x.seq === m.seq) ? ms : [...ms, m].sort((a, b) => a.seq - b.seq))),
		state: (s) => setState(s),
		typing: () => { setTyping(true); clearTimeout(off.current); off.current = setTimeout(() => setTyping(false), TYPING_SHOWN_MS); },
		read: (r) => setReadSeq(r.seq || 0),
		gone: () => setState((s) => ({ ...(s || {}), state: 'closed' })),
	});
	useEffect(() => {
		if (log.current) log.current.scrollTop = log.current.scrollHeight;
		const n = msgs.length ? msgs[msgs.length - 1].seq : 0;
		if (n) api('POST', base + '/read', { seq: n }).catch(() => {});
	}, [msgs.length]);
	const s = state || info || {};
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
	const title = (info && info.customer_name) || t('supCustomer');
	const mineSeen = msgs.filter((m) => m.author_kind === 'technician' && m.kind === 'text' && m.seq <= readSeq).length;
	return (
		<article class="panel chat-pane" aria-label={t('supChatWith', { name: title })}>
			<header class="row">
				<h2>{title}</h2>
				{info && <span class="note">{info.customer_email}{info.company_name ? ' · ' + info.company_name : ''}</span>}
				<span class="note">{t('supState_' + (s.state || 'waiting'))}</span>
			</header>
			{info && info.question && <p class="queue-question">{info.question}</p>}
			<ol class="chat-log" ref={log} role="log" aria-live="polite" tabIndex={0} aria-label={t('supTranscript')}>
				{msgs.map((m) => (
					<li key={m.seq} class={'chat-msg chat-' + m.author_kind + (m.kind === 'note' ? ' chat-note' : '')}>
						<span class="chat-who">{m.kind === 'note' ? t('supNote') : m.author_kind === 'customer' ? title : m.author_kind === 'system' ? '' : (m.author_name || t('supYou'))}</span>
						<span class="chat-body">{m.body}</span>
					</li>
				))}
			</ol>
			<p class="chat-typing" aria-live="polite">{typing && !closed ? t('supTyping', { name: title }) : mineSeen ? t('supSeen') : ''}</p>
			{closed ? <div class="row"><span>{t('supClosed')}</span><button type="button" onClick={onClosed}>{t('supDismiss')}</button></div> : (
				<form onSubmit={send}>
					<label class="check"><input type="checkbox" checked={note} onChange={(e) => setNote(e.currentTarget.checked)} /> {t('supAsNote')}</label>
					<label for={'txt-' + id} class="sr">{note ? t('supNote') : t('supReply')}</label>
					<textarea id={'txt-' + id} rows={2} value={text} onInput={(e) => type(e.currentTarget.value)}
						onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) send(e); }} />
					<div class="row">
						<button type="submit" class="primary" disabled={busy || !text.trim()}>{note ? t('supAddNote') : t('supSend')}</button>
						<button type="button" onClick={close}>{t('supClose')}</button>
					</div>
				</form>
			)}
			<FormError text={error} />
		</article>
	);
}
