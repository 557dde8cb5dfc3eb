// Shared pieces of the browser tests: a real convene (init into a temp data dir, serve on a
// free port with the built web app), Debian's chromium driven by playwright-core, a small
// API client for setting things up, and screenshots into /tmp (never into the repository).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
const BIN = process.env.CONVENE_BIN || join(ROOT, 'build/convene');
const WEB_DIR = process.env.CONVENE_WEB_DIR || join(ROOT, 'web/dist');
export const SHOTS = process.env.CONVENE_SHOTS || '/tmp/convene-shots';

function freePort() {
	return new Promise((ok, fail) => {
		const s = createServer();
		s.once('error', fail);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => ok(port));
		});
	});
}

async function waitReady(url, proc, log) {
	const until = Date.now() + 15000;
	while (Date.now() < until) {
		if (proc.exitCode !== null) throw new Error(`convene exited early:\n${log()}`);
		try {
			const r = await fetch(url + '/readyz');
			if (r.ok) return;
		} catch { /* not listening yet */ }
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`convene did not become ready:\n${log()}`);
}

// Starts a fresh convene. Without adminPassword, init generates a one-time password that
// must be changed at first sign-in; it is read from init's output.
export async function startConvene({ adminEmail = 'admin@example.com', adminPassword } = {}) {
	if (!existsSync(join(WEB_DIR, 'index.html')))
		throw new Error(`no built web app in ${WEB_DIR}: run make web`);
	const data = mkdtempSync(join(tmpdir(), 'convene-browser-'));
	const args = ['init', '--data', data, '--admin-email', adminEmail];
	if (adminPassword) args.push('--admin-password', adminPassword);
	const out = execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	let password = adminPassword;
	if (!password) {
		const m = out.match(/one-time password:\s*(\S+)/);
		if (!m) throw new Error(`no one-time password in init output:\n${out}`);
		password = m[1];
	}
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const proc = spawn(BIN, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--web-dir', WEB_DIR],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	proc.stdout.on('data', (d) => { log += d; });
	proc.stderr.on('data', (d) => { log += d; });
	await waitReady(url, proc, () => log);
	return {
		url, data, adminEmail, password, initOutput: out,
		log: () => log,
		async stop() {
			if (proc.exitCode === null) {
				const done = new Promise((r) => proc.once('exit', r));
				proc.kill('SIGTERM');
				const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
				await done;
				clearTimeout(t);
			}
			rmSync(data, { recursive: true, force: true });
		},
	};
}

// A chromium with a fresh profile; each test file uses its own.
export async function startBrowser() {
	const profile = mkdtempSync(join(tmpdir(), 'convene-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		viewport: { width: 1280, height: 860 },
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	context.setDefaultTimeout(10000);
	const page = context.pages()[0] || await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	return {
		context, page, errors,
		async newPage() {
			const p = await context.newPage();
			p.on('pageerror', (e) => errors.push(String(e)));
			return p;
		},
		async close() {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

export async function shot(page, name) {
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// A cookie-session API client (for setting up and checking what the UI did).
export class Api {
	constructor(url) { this.url = url; this.cookie = ''; this.csrf = ''; }
	async req(method, path, body, headers = {}) {
		const h = { ...headers };
		if (this.cookie) h.Cookie = this.cookie;
		if (this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
		if (body !== undefined) h['Content-Type'] = 'application/json';
		const r = await fetch(this.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
		const set = r.headers.get('set-cookie');
		if (set) this.cookie = set.split(';')[0];
		const text = await r.text();
		let json = null;
		try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
		if (json && json.csrf_token) this.csrf = json.csrf_token;
		return { status: r.status, json };
	}
	async signIn(email, password) {
		const r = await this.req('POST', '/api/v1/session', { email, password });
		if (r.status !== 200) throw new Error(`sign-in of ${email} failed: ${r.status} ${JSON.stringify(r.json)}`);
		return r.json;
	}
	async ok(method, path, body) {
		const r = await this.req(method, path, body);
		if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
		return r.json;
	}
	async defaultCompany() {
		const list = await this.ok('GET', '/api/v1/companies');
		return list.items.find((c) => c.is_default) || list.items[0];
	}
	// a user who may sign in at once (no forced change)
	async makeUser(role, email, password, displayName) {
		const c = await this.defaultCompany();
		return this.ok('POST', '/api/v1/users', {
			email, display_name: displayName || email.split('@')[0], role, company_ids: [c.id],
			password, must_change_password: false,
		});
	}
}

// POST /oauth/token with HTTP Basic: the client-credentials grant
export async function tokenRequest(url, clientId, secret) {
	const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
	const r = await fetch(url + '/oauth/token', {
		method: 'POST',
		headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials',
	});
	return { status: r.status, json: await r.json().catch(() => null) };
}

// signs in through the sign-in page
export async function signInUI(page, url, email, password) {
	await page.goto(url + '/');
	await page.getByLabel(/e-mail/i).fill(email);
	await page.getByLabel(/^password/i).fill(password);
	await page.getByRole('button', { name: /sign in/i }).click();
}
