// ESM helper for the browser tests: start the Zoom fake (fake_zoom.py, Debian's python3)
// on a free loopback port, call its control API (/_fake/...), stop it. See README.md.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// startFakeZoom({clientId, clientSecret, webhookSecret, webhookUrl, redirectUris})
// -> {oauthUrl, apiUrl, ctl(method, path, body), stop()}
export function startFakeZoom({ clientId = 'fake-client-id', clientSecret = 'fake-client-secret',
	webhookSecret = 'fake-webhook-secret', webhookUrl = '', redirectUris = [] } = {}) {
	const args = [join(here, 'fake_zoom.py'), '--port', '0', '--client-id', clientId,
		'--client-secret', clientSecret, '--webhook-secret', webhookSecret];
	if (webhookUrl) args.push('--webhook-url', webhookUrl);
	for (const r of redirectUris) args.push('--redirect-uri', r);
	const proc = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => { proc.kill(); reject(new Error('fake_zoom did not start')); }, 10000);
		proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`fake_zoom exited (${code})`)); });
		const lines = createInterface({ input: proc.stdout });
		lines.once('line', (line) => {
			clearTimeout(timer);
			const m = /^listening (\S+)$/.exec(line.trim());
			if (!m) { proc.kill(); reject(new Error(`fake_zoom: ${line}`)); return; }
			const oauthUrl = `http://${m[1]}`;
			async function ctl(method, path, body) {
				const r = await fetch(`${oauthUrl}/_fake/${path.replace(/^\//, '')}`, {
					method,
					headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const text = await r.text();
				if (r.status !== 200) throw new Error(`fake_zoom ${method} ${path}: ${r.status} ${text}`);
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
			resolve({ oauthUrl, apiUrl: `${oauthUrl}/v2`, ctl, stop });
		});
	});
}
