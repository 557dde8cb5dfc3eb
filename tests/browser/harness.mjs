// Shared helpers of the browser tests: start a fresh convene (init + serve on a free port,
// wait for /readyz), launch Debian's chromium through playwright-core, and clean up.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
// playwright-core is a test tool (tests/tools/package.json), not a package of the web app
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// CONVENE_WEB_DIST lets a build of the web app elsewhere be tested (side-by-side checkouts)
export const webDist = process.env.CONVENE_WEB_DIST || join(here, '..', '..', 'web', 'dist');
const BIN = process.env.CONVENE_BIN || join(here, '..', '..', 'build', 'release', 'convene');

// A port for a server the test starts. Not the kernel's pick (listen on 0): that comes from the
// ephemeral range, where the local ports of every outgoing connection (the browser's too) come
// from, so one could take it before the server binds it. Below that range only listeners like
// ours bind (tests/api use 20000-32000); the pid spreads concurrent runs apart.
const PORT_LOW = 12000, PORT_HIGH = 20000;
let nextPort = PORT_LOW + (process.pid * 7919) % (PORT_HIGH - PORT_LOW);
function bindable(port) {
	return new Promise((resolve) => {
		const s = createServer();
		s.once('error', () => resolve(false));
		s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
	});
}
async function freePort() {
	for (let i = 0; i < PORT_HIGH - PORT_LOW; i++) {
		const port = nextPort;
		nextPort = PORT_LOW + (port + 1 - PORT_LOW) % (PORT_HIGH - PORT_LOW);
		if (await bindable(port)) return port;
	}
	throw new Error(`no free port in ${PORT_LOW}-${PORT_HIGH}`);
}

// runs `convene args…` (e.g. an operator's command against a server's --data directory)
export function run(args, timeoutMs = 30000) {
	return new Promise((resolve, reject) => {
		execFile(BIN, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
			if (err) reject(new Error(`${BIN} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
			else resolve(stdout + stderr);
		});
	});
}

// startServer({password, smtp, env}) -> {url, email, password, oneTime, data (its --data directory), stop()}
// smtp: an smtp://host:port URL for the mailer (e.g. startSmtpSink() of smtp-sink.mjs)
// env: settings as CONVENE_* variables for `serve` (e.g. the Zoom app's, pointing at the fake)
export async function startServer({ password, smtp, env } = {}) {
	if (!existsSync(join(webDist, 'index.html'))) throw new Error('web/dist is missing: run make web first');
	const data = mkdtempSync(join(tmpdir(), 'convene-browser-'));
	const email = 'admin@example.org';
	const args = ['init', '--data', data, '--admin-email', email];
	if (password) args.push('--admin-password', password);
	const out = await run(args);
	let oneTime = null;
	const m = out.match(/one-time password:\s*(\S+)/);
	if (m) oneTime = m[1];
	const port = await freePort();
	const serveArgs = ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--web-dir', webDist];
	if (smtp) serveArgs.push('--smtp', smtp);
	const proc = spawn(BIN, serveArgs,
		{ stdio: ['ignore', 'ignore', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
	let log = '';
	proc.stderr.on('data', (d) => { log += d; if (log.length > 200000) log = log.slice(-100000); });
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 15000;
	for (;;) {
		if (proc.exitCode !== null) throw new Error('convene exited early:\n' + log);
		try {
			const r = await fetch(url + '/readyz', { signal: AbortSignal.timeout(1000) });
			if (r.status === 200) break;
		} catch { /* not yet */ }
		if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error('convene not ready:\n' + log); }
		await new Promise((r) => setTimeout(r, 100));
	}
	async function stop() {
		if (proc.exitCode === null) {
			const done = new Promise((r) => proc.once('exit', r));
			proc.kill('SIGTERM');
			const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
			await done; clearTimeout(t);
		}
		rmSync(data, { recursive: true, force: true });
	}
	return { url, email, password: password || oneTime, oneTime, data, stop, log: () => log };
}

export async function launch() {
	// playwright-core gives chromium a fresh temporary --user-data-dir of its own (it refuses ours)
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		timeout: 30000,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const close = async () => {
		await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
	};
	return { browser, close };
}

// a page in a fresh browser context; options are playwright's context options (viewport, locale,
// timezoneId, colorScheme …) over a 1200×900 viewport
export async function newPage(browser, options = {}) {
	const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
	const page = await context.newPage();
	page.setDefaultTimeout(10000);
	page.setDefaultNavigationTimeout(15000);
	return page;
}

// API helper with a cookie session, for setting up state quickly
export async function apiSession(url, email, password) {
	const r = await fetch(url + '/api/v1/session', {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ email, password }), signal: AbortSignal.timeout(10000),
	});
	if (r.status !== 200) throw new Error('sign-in failed ' + r.status + ' ' + await r.text());
	const body = await r.json();
	const cookie = r.headers.get('set-cookie').split(';')[0];
	const call = async (method, path, data) => {
		const res = await fetch(url + path, {
			method, signal: AbortSignal.timeout(10000),
			headers: { Cookie: cookie, 'X-CSRF-Token': body.csrf_token, 'Content-Type': 'application/json' },
			body: data === undefined ? undefined : JSON.stringify(data),
		});
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : null };
	};
	return { call, ...body };
}

// signs in through the (English) sign-in form; with `heading`, returns once the page after it shows
// that heading ('Users' opens the admin center, 'Calendar' a member's start page)
export async function signIn(page, url, email, password, heading) {
	await page.goto(url + '/');
	await page.getByLabel('E-mail').fill(email);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByLabel('Password', { exact: true }).press('Enter');
	if (heading) await page.getByRole('heading', { name: heading, exact: true }).waitFor();
}

// the sign-in the tests share: a fresh page (context options as newPage's) signed in as `email`,
// returned once `heading` shows (default 'Users', the admin center; null: not waited for)
export async function signedInPage(browser, url, email, password, { heading = 'Users', ...options } = {}) {
	const page = await newPage(browser, options);
	await signIn(page, url, email, password, heading);
	return page;
}
