// What every fake's browser-test helper (tests/fakes/*/fake-*.mjs) does alike, as fakeproc.py does
// for the Python helpers: start the fake's script with Debian's python3 on a free loopback port (its
// first line says "listening HOST:PORT"), call its control API (/_fake/...), stop it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// startFake(name, script, args) -> {base, ctl(method, path, body), stop()}
// base is http://HOST:PORT; name (e.g. 'fake_zoom') only labels errors.
export function startFake(name, script, args) {
	const proc = spawn('/usr/bin/python3', [script, '--port', '0', ...args],
		{ stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => { proc.kill(); reject(new Error(`${name} did not start`)); }, 10000);
		proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code})`)); });
		const lines = createInterface({ input: proc.stdout });
		lines.once('line', (line) => {
			clearTimeout(timer);
			const m = /^listening (\S+)$/.exec(line.trim());
			if (!m) { proc.kill(); reject(new Error(`${name}: ${line}`)); return; }
			const base = `http://${m[1]}`;
			async function ctl(method, path, body) {
				const r = await fetch(`${base}/_fake/${path.replace(/^\//, '')}`, {
					method,
					headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				const text = await r.text();
				if (r.status !== 200) throw new Error(`${name} ${method} ${path}: ${r.status} ${text}`);
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
			resolve({ base, ctl, stop });
		});
	});
}
