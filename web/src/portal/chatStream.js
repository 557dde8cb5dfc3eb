// The session's stream, seen from the portal: EventSource resumes by itself after a dropped
// connection, sending the last event id it had, and the server then sends only what came after
// it; a stream the server ended for good (the conversation is gone, or its token no longer
// works) says so once and is not reopened. EventSource cannot send headers, so the customer's
// token travels as the `token` query parameter here.
const RETRY_MS = 5000;

// handlers: message(m) for each transcript entry (event `message`, id = its seq), status(s) for
// what is not logged (state, position, wait, technician, typing, read marks: event `status`),
// gone(); returns a function that stops the stream
export function openChatStream(base, token, handlers) {
	let es = null, alive = true, retry = null;
	const parse = (e) => { try { return JSON.parse(e.data); } catch { return null; } };
	const on = (name, fn) => es.addEventListener(name, (e) => { const d = parse(e); if (alive && d) fn(d); });
	function connect() {
		if (typeof EventSource === 'undefined') return;
		es = new EventSource(base + '/stream?token=' + encodeURIComponent(token));
		on('message', handlers.message);
		on('status', handlers.status);
		on('end', (d) => {
			es.close(); es = null;
			if (d.reason === 'gone' || d.reason === 'forbidden') handlers.gone();
			else { clearTimeout(retry); retry = setTimeout(connect, RETRY_MS); }
		});
		es.onerror = () => {
			if (!es || es.readyState !== EventSource.CLOSED) return;
			es.close(); es = null;
			clearTimeout(retry); retry = setTimeout(connect, RETRY_MS);
		};
	}
	connect();
	return () => { alive = false; clearTimeout(retry); if (es) es.close(); };
}
