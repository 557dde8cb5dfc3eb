// The screen at a room's door (/display/{token}): the token is the credential, no user signs in.
// Made to be read from across a corridor: free/busy big and coloured, the meeting, time left, a
// clock, next and the rest of today, and the door's actions (check in, end now, book now).
// Live over SSE (EventSource reconnects by itself; each reconnect re-fetches the state), a tick
// every few seconds for the countdown, and a re-fetch at each minute and whenever a meeting
// ends or starts, since time passing sends no event. A revoked or unknown token shows a notice
// and is retried slowly, so that a screen given a new address recovers once it is fixed.
import { useState, useEffect, useRef } from 'preact/hooks';
import { api } from '../lib/api.js';
import { setLanguage, t } from '../lib/i18n.js';
import './strings.js';
import { errText } from '../lib/ui.jsx';
import { zoneOf, startMs, endMs, languageOf, hhmm, longDate, minutesLeft, laterToday, checkInTarget, rollAt, fill } from './door.js';
import './display.css';
import QRCode from 'qrcode';

// The online meeting of a booking (its event's CONFERENCE link, e.g. Zoom): the address to type
// and a QR code to scan, drawn here from the link (the qrcode package) so nothing leaves the page.
function JoinLink({ url, qr }) {
	const [img, setImg] = useState('');
	useEffect(() => {
		let live = true;
		setImg('');
		if (qr) QRCode.toDataURL(url, { margin: 1, width: 240, errorCorrectionLevel: 'M' }).then((d) => { if (live) setImg(d); }, () => {});
		return () => { live = false; };
	}, [url, qr]);
	return (
		<div class="door-join">
			{img && <img class="door-qr" src={img} width="240" height="240" alt={t('door_joinQr')} />}
			<p class="door-join-text"><span class="door-join-label">{t('door_join')}</span> <span class="door-join-url">{url}</span></p>
		</div>
	);
}

const TICK_MS = 3000;
const GONE_RETRY_MS = 30000;
const OFFLINE_RETRY_MS = 10000;
const MESSAGE_MS = 15000;

function useDoor(token) {
	const [state, setState] = useState(null);
	const [gone, setGone] = useState(false);
	const [offline, setOffline] = useState(false);
	const [now, setNow] = useState(Date.now());
	const ctl = useRef(null);
	useEffect(() => {
		const base = '/api/v1/display/' + encodeURIComponent(token);
		let alive = true, es = null, opened = false, retry = null, seq = 0, skew = 0;
		let isGone = false, cur = null, minute = -1, rolled = null;
		const apply = (s) => {
			cur = s;
			setLanguage(languageOf(s));
			setState(s);
		};
		const close = () => { if (es) { es.close(); es = null; } };
		const later = (ms) => { clearTimeout(retry); retry = setTimeout(load, ms); };
		function connect() {
			opened = false;
			es = new EventSource(base + '/stream');
			es.addEventListener('display', (e) => {
				let s;
				try { s = JSON.parse(e.data); } catch { return; }
				seq++; // an answer to an earlier GET is older than this
				apply(s); setOffline(false);
			});
			// revoked, or the room deleted: the GET says which
			es.addEventListener('end', () => { close(); load(); });
			es.onopen = () => { if (opened) load(); opened = true; setOffline(false); };
			es.onerror = () => {
				if (!es) return;
				if (es.readyState === EventSource.CLOSED) { close(); later(OFFLINE_RETRY_MS); }
				else setOffline(true);
			};
		}
		async function load() {
			const my = ++seq;
			clearTimeout(retry); retry = null;
			try {
				const s = await api('GET', base);
				if (!alive || my !== seq) return;
				const at = Date.parse(s.now);
				if (!Number.isNaN(at)) skew = at - Date.now(); // the server's clock decides what is "now"
				isGone = false; setGone(false); setOffline(false);
				apply(s);
				if (!es) connect();
			} catch (e) {
				if (!alive || my !== seq) return;
				if (e.status === 404 || e.status === 401 || e.status === 403) {
					isGone = true; setGone(true); close(); later(GONE_RETRY_MS);
				} else {
					setOffline(true); later(OFFLINE_RETRY_MS);
				}
			}
		}
		async function act(path, body) {
			const s = await api('POST', base + path, body);
			seq++;
			apply(s);
			return s;
		}
		function tick() {
			const n = Date.now() + skew;
			setNow(n);
			if (isGone || !cur) return;
			const m = Math.floor(n / 60000);
			const r = rollAt(cur);
			if (n >= r && r !== rolled) { rolled = r; load(); }
			else if (minute >= 0 && m !== minute) load();
			minute = m;
		}
		ctl.current = { act, load, now: () => Date.now() + skew, goneNow: () => { isGone = true; setGone(true); close(); later(GONE_RETRY_MS); } };
		load();
		const h = setInterval(tick, TICK_MS);
		return () => { alive = false; clearInterval(h); clearTimeout(retry); close(); };
	}, [token]);
	return { state, gone, offline, now, ctl };
}

function Clock({ now, lang, zone }) {
	return (
		<div class="door-clock">
			<time class="door-time" datetime={new Date(now).toISOString()}>{hhmm(now, lang, zone)}</time>
			<span class="door-date">{longDate(now, lang, zone)}</span>
		</div>
	);
}

function span(s, b, lang, zone) {
	return hhmm(startMs(s, b), lang, zone) + '–' + hhmm(endMs(s, b), lang, zone);
}

function left(until, now) {
	const n = minutesLeft(until, now);
	if (n < 60) return fill(t('door_minLeft'), { n });
	return fill(t('door_hLeft'), { h: Math.floor(n / 60), m: String(n % 60).padStart(2, '0') });
}

export function DisplayPage({ token }) {
	const { state: s, gone, offline, now, ctl } = useDoor(token);
	const [pending, setPending] = useState('');
	const [confirmEnd, setConfirmEnd] = useState(false);
	const [msg, setMsg] = useState('');
	const msgTimer = useRef(null);
	useEffect(() => { document.title = s ? s.room.name : t('door_title'); }, [s && s.room.name, gone]);
	useEffect(() => () => clearTimeout(msgTimer.current), []);
	useEffect(() => { setConfirmEnd(false); }, [s && s.current && s.current.booking_id]);
	// a question left unanswered at the door goes away by itself
	useEffect(() => {
		if (!confirmEnd) return undefined;
		const h = setTimeout(() => setConfirmEnd(false), MESSAGE_MS);
		return () => clearTimeout(h);
	}, [confirmEnd]);

	const show = (text) => {
		setMsg(text);
		clearTimeout(msgTimer.current);
		msgTimer.current = setTimeout(() => setMsg(''), MESSAGE_MS);
	};
	async function act(kind, path, body) {
		setPending(kind); setMsg('');
		try { await ctl.current.act(path, body); setConfirmEnd(false); }
		catch (e) {
			if (e.status === 404 || e.status === 401) ctl.current.goneNow();
			else show(fill(t('door_failed'), { detail: errText(e) }));
		}
		setPending('');
	}

	if (gone) {
		return (
			<main class="door door-gone" role="alert">
				<h1>{t('door_gone')}</h1>
				<p>{t('door_goneHint')}</p>
				<p class="door-muted">{t('door_retrying')}</p>
			</main>
		);
	}
	if (!s) {
		return (
			<main class="door door-loading">
				<p>{offline ? t('door_offline') : t('loading')}</p>
			</main>
		);
	}

	const lang = document.documentElement.lang || 'en';
	const zone = zoneOf(s);
	const c = s.current;
	const busy = !!c;
	const nextStart = s.next ? startMs(s, s.next) : null;
	const checkIn = checkInTarget(s, now);
	const later = laterToday(s, now);
	const room = s.room;
	const where = [room.building, room.floor].filter(Boolean).join(' · ');

	return (
		<main class={'door ' + (busy ? 'is-busy' : 'is-free')} aria-busy={pending ? 'true' : undefined}>
			<header class="door-head">
				<div>
					<h1 class="door-room">{room.name}</h1>
					{where && <p class="door-where">{where}</p>}
				</div>
				<Clock now={now} lang={lang} zone={zone} />
			</header>

			{offline && <p class="door-offline" role="status">{t('door_offline')}</p>}

			<section class="door-now" aria-labelledby="door-state">
				<p class="door-state" id="door-state" role="status">{busy ? t('door_busy') : t('door_free')}</p>
				{busy ? (
					<>
						<p class="door-subject">{c.summary}</p>
						{c.organizer && <p class="door-organizer">{t('door_organizer')}: {c.organizer}</p>}
						{c.join_url && <JoinLink url={c.join_url} qr />}
						<p class="door-left">
							<span>{fill(t('door_until'), { time: hhmm(endMs(s, c), lang, zone) })}</span>
							<span class="door-count">{left(endMs(s, c), now)}</span>
						</p>
					</>
				) : (
					<p class="door-left">
						{nextStart === null ? t('door_freeAllDay') : (
							<>
								<span>{fill(t('door_freeUntil'), { time: hhmm(nextStart, lang, zone) })}</span>
								<span class="door-count">{left(nextStart, now)}</span>
							</>
						)}
					</p>
				)}

				<div class="door-actions">
					{checkIn && (
						<div class="door-checkin">
							<button type="button" class="door-btn primary" disabled={!!pending}
								onClick={() => act('checkin', '/check-in')}>{t('door_checkIn')}</button>
							{checkIn === c && c.check_in_by && (
								<span class="door-hint">{fill(t('door_checkInBy'), { time: hhmm(c.check_in_by * 1000, lang, zone) })}</span>
							)}
							{checkIn !== c && <span class="door-hint">{checkIn.summary} · {span(s, checkIn, lang, zone)}</span>}
						</div>
					)}
					{busy && c.checked_in && s.check_in && <span class="door-hint">{t('door_checkedIn')}</span>}
					{busy && !confirmEnd && (
						<button type="button" class="door-btn" disabled={!!pending} onClick={() => setConfirmEnd(true)}>{t('door_endNow')}</button>
					)}
					{busy && confirmEnd && (
						<div class="door-confirm" role="group" aria-label={t('door_endConfirm')}>
							<span>{t('door_endConfirm')}</span>
							<button type="button" class="door-btn danger" disabled={!!pending}
								onClick={() => act('end', '/end')}>{t('door_endYes')}</button>
							<button type="button" class="door-btn" disabled={!!pending} onClick={() => setConfirmEnd(false)}>{t('door_keep')}</button>
						</div>
					)}
					{!busy && s.can_book_minutes.length > 0 && (
						<div class="door-book" role="group" aria-label={t('door_bookNow')}>
							<span class="door-book-label">{t('door_bookNow')}</span>
							{s.can_book_minutes.map((m) => (
								<button key={m} type="button" class="door-btn primary" disabled={!!pending}
									onClick={() => act('book' + m, '/book', { minutes: m })}>{fill(t('door_minutes'), { n: m })}</button>
							))}
						</div>
					)}
				</div>
				{msg && <p class="door-error" role="alert">{msg}</p>}
			</section>

			<section class="door-agenda">
				<h2>{t('door_next')}</h2>
				{s.next ? (
					<p class="door-next"><span class="door-span">{span(s, s.next, lang, zone)}</span> {s.next.summary}</p>
				) : null}
				{s.next && s.next.join_url ? (
					<JoinLink url={s.next.join_url} qr={!(c && c.join_url)} />
				) : null}
				{s.next ? null : (
					<p class="door-muted">{t('door_nothingLater')}</p>
				)}
				{later.length > 0 && (
					<>
						<h2>{t('door_later')}</h2>
						<ul class="door-today">
							{later.map((b) => <li key={b.booking_id}><span class="door-span">{span(s, b, lang, zone)}</span> {b.summary}</li>)}
						</ul>
					</>
				)}
			</section>
		</main>
	);
}
