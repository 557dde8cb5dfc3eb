// A tiny SMTP sink for the browser tests: listens on a free loopback port and keeps every message
// it is given, enough of RFC 5321 for libcurl's client (greeting, EHLO/HELO, MAIL, RCPT, DATA
// with dot-unstuffing, RSET, NOOP, QUIT). startServer({ smtp: sink.url }) points convene at it.
import { createServer } from 'node:net';

// the body of a plain text mail: headers dropped, quoted-printable undone when declared
export function mailText(raw) {
	const cut = raw.indexOf('\r\n\r\n');
	const head = cut < 0 ? raw : raw.slice(0, cut);
	let body = cut < 0 ? '' : raw.slice(cut + 4);
	if (/^content-transfer-encoding:\s*quoted-printable/im.test(head)) {
		const bytes = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi,
			(m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
		body = bytes.toString('utf8');
	}
	return body.replace(/\r\n/g, '\n');
}

export async function startSmtpSink() {
	const mails = []; // {from, to: [..], raw, text}
	const waiters = [];
	const sockets = new Set();
	const notify = () => { for (const w of [...waiters]) w(); };

	const server = createServer((sock) => {
		sockets.add(sock);
		sock.on('close', () => sockets.delete(sock));
		sock.on('error', () => {});
		sock.setEncoding('latin1'); // bytes as they come; decoded per message
		const say = (line) => sock.write(line + '\r\n');
		let buf = '', from = null, to = [], data = null;
		say('220 localhost convene-test-sink');
		sock.on('data', (chunk) => {
			buf += chunk;
			for (;;) {
				if (data !== null) {
					// DATA ends with a line holding one dot; lines starting with a dot lost one
					const end = buf.indexOf('\r\n.\r\n');
					const atStart = data === '' && buf.startsWith('.\r\n');
					if (end < 0 && !atStart) return;
					const body = atStart ? '' : buf.slice(0, end + 2);
					buf = atStart ? buf.slice(3) : buf.slice(end + 5);
					const raw = Buffer.from(body.split('\r\n').map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n'), 'latin1').toString('utf8');
					mails.push({ from, to, raw, text: mailText(raw) });
					from = null; to = []; data = null;
					say('250 2.0.0 queued');
					notify();
					continue;
				}
				const nl = buf.indexOf('\r\n');
				if (nl < 0) return;
				const line = buf.slice(0, nl);
				buf = buf.slice(nl + 2);
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO') { sock.write('250-localhost\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n'); }
				else if (verb === 'HELO') say('250 localhost');
				else if (verb === 'MAIL') { from = (line.match(/<([^>]*)>/) || [])[1] || ''; to = []; say('250 2.1.0 ok'); }
				else if (verb === 'RCPT') {
					if (from === null) { say('503 5.5.1 MAIL first'); continue; }
					to.push(((line.match(/<([^>]*)>/) || [])[1] || '').toLowerCase()); say('250 2.1.5 ok');
				}
				else if (verb === 'DATA') {
					if (!to.length) { say('503 5.5.1 RCPT first'); continue; }
					data = ''; say('354 end with <CRLF>.<CRLF>');
				}
				else if (verb === 'RSET') { from = null; to = []; say('250 ok'); }
				else if (verb === 'NOOP') say('250 ok');
				else if (verb === 'QUIT') { say('221 bye'); sock.end(); return; }
				else say('502 5.5.2 not implemented');
			}
		});
	});
	await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
	const port = server.address().port;

	// the mails to an address, once there are at least `count` of them
	function waitFor(address, { count = 1, timeoutMs = 20000 } = {}) {
		const want = address.toLowerCase();
		const mine = () => mails.filter((m) => m.to.includes(want));
		return new Promise((resolve, reject) => {
			const check = () => {
				if (mine().length < count) return false;
				clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1); resolve(mine());
				return true;
			};
			const timer = setTimeout(() => {
				waiters.splice(waiters.indexOf(check), 1);
				reject(new Error(`no mail to ${address} within ${timeoutMs} ms (got ${mails.length} to ${mails.map((m) => m.to).join(', ') || 'nobody'})`));
			}, timeoutMs);
			waiters.push(check);
			check();
		});
	}
	async function stop() {
		for (const s of sockets) s.destroy();
		await new Promise((r) => server.close(r));
	}
	return { url: `smtp://127.0.0.1:${port}`, port, mails, waitFor, stop };
}
