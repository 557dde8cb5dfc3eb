// ESM helper for the browser tests: start the Google fake (fake_google.py, Debian's python3)
// on a free loopback port, call its control API (/_fake/...), stop it. See README.md.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// startFakeGoogle({domain}) -> {apiUrl, tokenUrl, ctl(method, path, body), stop()}
// apiUrl is convene's google_api_url, tokenUrl its google_token_url.
export function startFakeGoogle({ domain = 'example.com' } = {}) {
	const args = [join(here, 'fake_google.py'), '--port', '0', '--domain', domain];
	const proc = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => { proc.kill(); reject(new Error('fake_google did not start')); }, 10000);
		proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`fake_google exited (${code})`)); });
		const lines = createInterface({ input: proc.stdout });
		lines.once('line', (line) => {
			clearTimeout(timer);
			const m = /^listening (\S+)$/.exec(line.trim());
			if (!m) { proc.kill(); reject(new Error(`fake_google: ${line}`)); return; }
			const apiUrl = `http://${m[1]}`;
			async function ctl(method, path, body) {
				const r = await fetch(`${apiUrl}/_fake/${path.replace(/^\//, '')}`, {
					method,
					headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const text = await r.text();
				if (r.status !== 200) throw new Error(`fake_google ${method} ${path}: ${r.status} ${text}`);
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
			resolve({ apiUrl, tokenUrl: `${apiUrl}/token`, ctl, stop });
		});
	});
}
