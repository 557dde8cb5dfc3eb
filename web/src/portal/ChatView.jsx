// The customer's side of a conversation: where it stands (in the queue with its position and an
// estimated wait, with a technician, an offline request, closed), the transcript, the
// technician's typing, and a box to write. The transcript comes from the session's stream
// (chatStream.js), which resumes where it stopped after a dropped connection; the technician's
// typing and the rest of what is not logged come as its status. The customer may have the
// transcript mailed to them.
import { useState, useEffect, useRef } from 'preact/hooks';
import { api, apiRaw } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { errText, FormError } from '../lib/ui.jsx';
import { sessionPath } from './conversation.js';
import { openChatStream } from './chatStream.js';

const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 6000;
const TEXT_MAX = 4000;

const minutes = (s) => Math.max(1, Math.round(s / 60));

function Status({ s }) {
	if (!s) return null;
	if (s.state === 'waiting') {
		return (
			<p>
				{s.position ? t('portalPosition', { n: s.position }) : t('portalWaiting')}
				{s.estimated_wait_s > 0 && <> {t('portalWait', { n: minutes(s.estimated_wait_s) })}</>}
			</p>
		);
	}
	if (s.state === 'active') return <p>{s.technician ? t('portalWith', { name: s.technician.display_name }) : t('portalActive')}</p>;
	if (s.state === 'offline') return <p>{t(s.awaiting === 'customer' ? 'portalAnsweredState' : 'portalOfflineState')}</p>;
	return <p>{t('portalEnded')}</p>;
}

// what a logged change of state says in the transcript (kind `event`), or '' to show nothing
function eventText(ev) {
	if (!ev || ev.type !== 'state') return '';
	if (ev.state === 'active') return ev.technician ? t('portalJoined', { name: ev.technician }) : t('portalActive');
	if (ev.state === 'waiting') return t('portalBackInQueue');
	if (ev.state === 'closed') return ev.by === 'customer' ? t('portalClosedByYou') : t('portalClosedByTech');
	return '';
}

// a file of the conversation: a download link (an attachment, never shown inline)
function FileBody({ f, href }) {
	if (!f) return <em>{t('portalFileErased')}</em>;
	return <a href={href(f.id)} download={f.name}>{t('portalFile', { name: f.name, kb: Math.max(1, Math.round(f.size / 1024)) })}</a>;
}

function Message({ m, techName, href }) {
	const body = m.kind === 'event' ? eventText(m.event) : m.kind === 'file' ? <FileBody f={m.file} href={href} /> : m.text;
	if (!body) return null;
	const who = m.author_kind === 'customer' ? t('portalYou') : m.author_kind === 'system' ? '' : (techName || t('portalTechnician'));
	return (
		<li class={'chat-msg chat-' + m.author_kind}>
			{who && <span class="chat-who">{who}</span>}
			<span class="chat-body">{body}</span>
			<time class="chat-time" dateTime={new Date(m.created_at * 1000).toISOString()}>
				{new Date(m.created_at * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
			</time>
		</li>
	);
}

export function ChatView({ slug, conv, onLeave }) {
	const [state, setState] = useState(null);
	const [messages, setMessages] = useState([]);
	const [gone, setGone] = useState(false);
	const [text, setText] = useState('');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const [typing, setTyping] = useState(false);
	const typingOff = useRef(null);
	const lastTyping = useRef(0);
	const list = useRef(null);
	const base = sessionPath(slug, conv.id);
	const auth = { 'X-Session-Token': conv.token };

	useEffect(() => {
		const stop = openChatStream(base, conv.token, {
			message: (m) => setMessages((ms) => (ms.some((x) => x.seq === m.seq) ? ms : [...ms, m].sort((a, b) => a.seq - b.seq))),
			status: (st) => {
				setState(st);
				// the status says "typing" when it changes; the indicator goes by itself, since
				// nothing is sent when the technician merely stops
				clearTimeout(typingOff.current);
				const on = !!(st.typing && st.typing.technician);
				setTyping(on);
				if (on) typingOff.current = setTimeout(() => setTyping(false), TYPING_SHOWN_MS);
			},
			gone: () => setGone(true),
		});
		return () => { stop(); clearTimeout(typingOff.current); };
	}, [base, conv.token]);

	// the newest message in view, and the technician told what the customer has read
	useEffect(() => {
		if (list.current) list.current.scrollTop = list.current.scrollHeight;
		const last = messages.length ? messages[messages.length - 1].seq : 0;
		if (last && document.visibilityState === 'visible') api('POST', base + '/read', { seq: last }, auth).catch(() => {});
	}, [messages.length]);

	if (gone) {
		return (
			<section class="portal-chat">
				<p role="alert">{t('portalGone')}</p>
				<button type="button" onClick={onLeave}>{t('portalNewRequest')}</button>
			</section>
		);
	}
	const closed = state && state.state === 'closed';
	const send = async (e) => {
		e.preventDefault();
		const body = text.trim();
		if (!body || busy) return;
		setBusy(true); setError('');
		try { await api('POST', base + '/messages', { text: body }, auth); setText(''); }
		catch (err) { setError(errText(err)); }
		finally { setBusy(false); }
	};
	const onType = (v) => {
		setText(v);
		const now = Date.now();
		if (now - lastTyping.current > TYPING_EVERY_MS) {
			lastTyping.current = now;
			api('POST', base + '/typing', {}, auth).catch(() => {});
		}
	};
	const fileHref = (id) => base + '/files/' + id + '?token=' + encodeURIComponent(conv.token);
	const attach = async (e) => {
		const f = e.currentTarget.files && e.currentTarget.files[0];
		e.currentTarget.value = '';
		if (!f || busy) return;
		setBusy(true); setError('');
		try { await apiRaw('POST', base + '/files?name=' + encodeURIComponent(f.name), f, f.type || 'application/octet-stream', auth); }
		catch (err) { setError(errText(err)); }
		finally { setBusy(false); }
	};
	const end = async () => {
		try { await api('POST', base + '/close', {}, auth); } catch (err) { setError(errText(err)); }
	};
	// the transcript, mailed to the address the customer gave
	const [mailed, setMailed] = useState('');
	const mailTranscript = async () => {
		setError(''); setMailed('');
		try { await api('POST', base + '/transcript', {}, auth); setMailed(t('portalTranscriptSent')); }
		catch (err) { setError(errText(err)); }
	};
	return (
		<section class="portal-chat" aria-labelledby="chat-title">
			<h2 id="chat-title">{t('portalConversation')}</h2>
			<div class="chat-status" role="status" aria-live="polite"><Status s={state} /></div>
			<div class="chat-log" ref={list} role="log" aria-live="polite" aria-label={t('portalTranscript')} tabIndex={0}>
				<ol>{messages.map((m) => <Message key={m.seq} m={m} href={fileHref} techName={state && state.technician && state.technician.display_name} />)}</ol>
			</div>
			<p class="chat-typing" aria-live="polite">{typing && !closed ? t('portalTyping') : ''}</p>
			{closed ? (
				<div class="row"><button type="button" class="primary" onClick={onLeave}>{t('portalNewRequest')}</button></div>
			) : (
				<form class="chat-send" onSubmit={send}>
					<label for="chat-text" class="sr">{t('portalYourMessage')}</label>
					<textarea id="chat-text" rows={3} value={text} maxLength={TEXT_MAX}
						onInput={(e) => onType(e.currentTarget.value)}
						onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) send(e); }} />
					<div class="row">
						<button class="primary" type="submit" disabled={busy || !text.trim()}>{t('portalSend')}</button>
						<label class="button" for="chat-file">{t('portalAttach')}</label>
						<input id="chat-file" class="sr" type="file" accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,application/zip,text/plain,.log,.txt" onChange={attach} disabled={busy} />
						<button type="button" onClick={end}>{t('portalEnd')}</button>
					</div>
				</form>
			)}
			<div class="row">
				<button type="button" onClick={mailTranscript}>{t('portalMailTranscript')}</button>
			</div>
			<p role="status" aria-live="polite">{mailed}</p>
			<FormError text={error} />
		</section>
	);
}
