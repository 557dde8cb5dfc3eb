// ESM helper for the browser tests: start the Exchange Web Services fake (fake_ews.py, Debian's python3)
// on a free loopback port, call its control API (/_fake/...), stop it. See README.md.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// startFakeEws({domain, username, password, server})
// -> {ewsUrl, username, password, ctl(method, path, body), stop()}
// ewsUrl is the connection's ews_url (http://127.0.0.1:PORT/EWS/Exchange.asmx).
export function startFakeEws({ domain = 'contoso.com', username = 'svc-convene@contoso.com',
	password = 'Passw0rd!', server = '2016' } = {}) {
	const args = [join(here, 'fake_ews.py'), '--port', '0', '--domain', domain, '--username', username,
		'--password', password, '--server', server];
	const proc = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => { proc.kill(); reject(new Error('fake_ews did not start')); }, 10000);
		proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`fake_ews exited (${code})`)); });
		const lines = createInterface({ input: proc.stdout });
		lines.once('line', (line) => {
			clearTimeout(timer);
			const m = /^listening (\S+)$/.exec(line.trim());
			if (!m) { proc.kill(); reject(new Error(`fake_ews: ${line}`)); return; }
			const base = `http://${m[1]}`;
			async function ctl(method, path, body) {
				const r = await fetch(`${base}/_fake/${path.replace(/^\//, '')}`, {
					method,
					headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const text = await r.text();
				if (r.status !== 200) throw new Error(`fake_ews ${method} ${path}: ${r.status} ${text}`);
				return JSON.parse(text);
			}
			function stop() {
				return new Promise((done) => {
					if (proc.exitCode !== null) { done(); return; }
					proc.removeAllListeners('exit');
					proc.once('exit', () => done());
					proc.kill('SIGTERM');
				});
			}
			resolve({ ewsUrl: `${base}/EWS/Exchange.asmx`, username, password, ctl, stop });
		});
	});
}
