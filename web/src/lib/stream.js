// A Server-Sent Events stream that comes back by itself: EventSource retries a dropped
// connection on its own (sending the last event id, so a log stream resumes where it stopped),
// but gives up for good on some failures (a refused or failed reconnection); this opens a new
// one after retryMs then, calling onReconnect first (e.g. to fetch the state a new stream does
// not resend). An `end` event is the server saying why it ended the stream ({reason}): onEnd
// decides whether to come back (return true). Event data are JSON, handed parsed to the
// listener of their event name. Returns a function that stops it.
export function openStream(url, listeners, { retryMs = 5000, onEnd, onReconnect } = {}) {
	let es = null, retry = null, alive = true;
	const parse = (text) => { try { return JSON.parse(text); } catch { return null; } };
	const again = () => {
		clearTimeout(retry);
		retry = setTimeout(() => {
			if (!alive) return;
			if (onReconnect) onReconnect();
			connect();
		}, retryMs);
	};
	function connect() {
		if (typeof EventSource === 'undefined') return;
		es = new EventSource(url);
		for (const [name, fn] of Object.entries(listeners)) {
			es.addEventListener(name, (e) => { const d = parse(e.data); if (alive && d) fn(d); });
		}
		es.addEventListener('end', (e) => {
			es.close(); es = null;
			if (alive && onEnd && onEnd(parse(e.data) || {})) again();
		});
		es.onerror = () => {
			if (!es || es.readyState !== EventSource.CLOSED) return;
			es.close(); es = null;
			again();
		};
	}
	connect();
	return () => { alive = false; clearTimeout(retry); if (es) es.close(); };
}
