// ESM helper for the browser tests: start the Microsoft 365 fake (fake_graph.py, Debian's python3)
// on a free loopback port, call its control API (/_fake/...), stop it. See README.md.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// startFakeGraph({tenantId, domain, clientId, clientSecret, consent, redirectUris})
// -> {loginUrl, graphUrl, tenantId, clientId, clientSecret, ctl(method, path, body), stop()}
export function startFakeGraph({ tenantId = '9188040d-6c67-4c5b-b112-36a304b66dad',
	domain = 'contoso.onmicrosoft.com', clientId = '6731de76-14a6-49ae-97bc-6eba6914391e',
	clientSecret = 'fake-client-secret', consent = ['Calendars.ReadWrite', 'Place.Read.All'],
	redirectUris = [] } = {}) {
	const args = [join(here, 'fake_graph.py'), '--port', '0', '--tenant-id', tenantId, '--domain', domain,
		'--client-id', clientId, '--client-secret', clientSecret];
	for (const r of consent) args.push('--consent', r);
	for (const r of redirectUris) args.push('--redirect-uri', r);
	const proc = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => { proc.kill(); reject(new Error('fake_graph did not start')); }, 10000);
		proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`fake_graph exited (${code})`)); });
		const lines = createInterface({ input: proc.stdout });
		lines.once('line', (line) => {
			clearTimeout(timer);
			const m = /^listening (\S+)$/.exec(line.trim());
			if (!m) { proc.kill(); reject(new Error(`fake_graph: ${line}`)); return; }
			const loginUrl = `http://${m[1]}`;
			async function ctl(method, path, body) {
				const r = await fetch(`${loginUrl}/_fake/${path.replace(/^\//, '')}`, {
					method,
					headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const text = await r.text();
				if (r.status !== 200) throw new Error(`fake_graph ${method} ${path}: ${r.status} ${text}`);
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
			resolve({ loginUrl, graphUrl: loginUrl, tenantId, clientId, clientSecret, ctl, stop });
		});
	});
}
