// The session's stream, seen from the portal: EventSource resumes by itself after a dropped
// connection, sending the last event id it had, and the server then sends only what came after
// it; a stream the server ended for good (the conversation is gone, or its token no longer
// works) says so once and is not reopened. EventSource cannot send headers, so the customer's
// token travels as the `token` query parameter here.
import { openStream } from '../lib/stream.js';

// handlers: message(m) for each transcript entry (event `message`, id = its seq), status(s) for
// what is not logged (state, position, wait, technician, typing, read marks: event `status`),
// gone(); returns a function that stops the stream
export function openChatStream(base, token, handlers) {
	return openStream(base + '/stream?token=' + encodeURIComponent(token),
		{ message: handlers.message, status: handlers.status },
		{
			onEnd: (d) => {
				if (d.reason === 'gone' || d.reason === 'forbidden') { handlers.gone(); return false; }
				return true;
			},
		});
}
