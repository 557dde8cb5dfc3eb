// Browser test of the portal page (web/portal.html, web/src/portal; convene serves it for
// /portal/...): a customer who opens a company's portal address gets the portal's own page (its
// title and welcome text, in the company's language), or, for an address no portal has, a page
// that says so in the browser's language; accessible, without any code of the admin center and
// without looking for a signed-in session. The chat itself: support-chat.test.mjs.
// The build (web/scripts/audiences.mjs) fails when the portal's chunks would hold admin code: shown
// by building with an admin page imported into the portal's entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, launch, newPage, apiSession } from './harness.mjs';
import { axeCheck } from './axe.mjs';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
let srv, br;

before(async () => { srv = await startServer({ password: 'Admin-password-2024' }); br = await launch(); }, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

// the paths a page asks the server for, while it loads
async function open(path, options) {
	const page = await newPage(br.browser, options);
	const asked = [];
	page.on('request', (r) => asked.push(new URL(r.url()).pathname));
	const res = await page.goto(srv.url + path);
	await page.getByRole('heading', { level: 1 }).waitFor();
	await page.waitForLoadState('networkidle');
	return { page, res, asked };
}

test('a portal address opens the portal page, which loads no admin code and no session', { timeout: 60000 }, async () => {
	const admin = await apiSession(srv.url, srv.email, 'Admin-password-2024');
	const co = await admin.call('POST', '/api/v1/companies', { name: 'Acme Support' });
	assert.equal(co.status, 201);
	const list = await admin.call('GET', '/api/v1/portals?company_id=' + co.body.id);
	const portal = list.body.items.find((p) => !p.parent_id);
	assert.equal(portal.slug, 'acme-support');
	await admin.call('PATCH', '/api/v1/portals/' + portal.id, { welcome: 'Ask us anything.' });
	const { page, res, asked } = await open('/portal/acme-support');
	assert.equal(res.status(), 200);
	assert.match(res.headers()['content-type'], /^text\/html/);
	await page.getByRole('heading', { level: 1, name: 'Acme Support' }).waitFor();
	await page.getByText('Ask us anything.').waitFor();
	assert.equal(await page.title(), 'Acme Support – Support portal');
	const scripts = asked.filter((p) => p.endsWith('.js'));
	assert.ok(scripts.some((p) => /^\/assets\/portal-/.test(p)), 'the portal bundle: ' + scripts);
	assert.deepEqual(scripts.filter((p) => !/^\/assets\/(portal|lib)-[\w-]+\.js$/.test(p)), [], 'only the portal and the shared lib chunk');
	const calls = asked.filter((p) => p.startsWith('/api/'));
	assert.ok(calls.every((p) => p.startsWith('/api/v1/public/portals/acme-support')), 'only the portal\'s public API (no session looked for): ' + calls);
	assert.equal(await page.getByLabel('Password').count(), 0, 'no sign-in form');
	await axeCheck(page, 'portal');
	await page.context().close();
});

test('an address without a portal says so, in the browser’s language', { timeout: 60000 }, async () => {
	const fr = await open('/portal/entreprise%20%C3%A9t%C3%A9/', { locale: 'fr-FR' });
	await fr.page.getByRole('heading', { level: 1, name: 'Portail d’assistance' }).waitFor();
	await fr.page.getByText('Il n’y a pas de portail d’assistance à cette adresse.').waitFor();
	assert.equal(await fr.page.evaluate(() => document.documentElement.lang), 'fr');
	await axeCheck(fr.page, 'portal, unknown address');
	await fr.page.context().close();
	for (const path of ['/portal', '/portal/']) {
		const none = await open(path, { locale: 'ru-RU' });
		await none.page.getByRole('heading', { level: 1, name: 'Портал поддержки' }).waitFor();
		await none.page.getByText('В адресе не указан портал.').waitFor();
		await none.page.context().close();
	}
});

test('the admin center is still index.html, next to the portal', { timeout: 60000 }, async () => {
	for (const path of ['/', '/users', '/portals', '/portalx/y']) {
		const { page, asked } = await open(path);
		await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
		assert.ok(asked.some((p) => /^\/assets\/main-/.test(p)), `${path}: the admin center's bundle`);
		await page.context().close();
	}
});

test('the build fails when the portal would load admin code', { timeout: 120000 }, async () => {
	const { build } = await import(pathToFileURL(join(web, 'node_modules', 'vite', 'dist', 'node', 'index.js')).href);
	const out = mkdtempSync(join(tmpdir(), 'convene-portal-build-'));
	// the portal's entry gains an import of an admin page (a slip someone could make)
	const slip = {
		name: 'slip', enforce: 'pre',
		transform(code, id) { return id.endsWith('/src/portal/main.jsx') ? "import { Users } from '../admin/Users.jsx';\nconsole.log(Users);\n" + code : null; },
	};
	const quiet = { root: web, configFile: join(web, 'vite.config.js'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } };
	try {
		await build(quiet); // as it is: builds
		await assert.rejects(build({ ...quiet, plugins: [slip] }), /portal: assets\/lib-[\w-]+\.js holds src\/admin\/Users\.jsx/);
	} finally { rmSync(out, { recursive: true, force: true }); }
});

test('a portal for signed-in customers sends them to sign in and back, then asks in their name', { timeout: 90000 }, async () => {
	const admin = await apiSession(srv.url, srv.email, 'Admin-password-2024');
	const co = await admin.call('POST', '/api/v1/companies', { name: 'Members Only Ltd' });
	const portal = (await admin.call('GET', '/api/v1/portals?company_id=' + co.body.id)).body.items.find((p) => !p.parent_id);
	assert.equal((await admin.call('PATCH', '/api/v1/portals/' + portal.id, { customer_auth: 'sign_in' })).status, 200);
	const cust = await admin.call('POST', '/api/v1/users', { email: 'cleo@example.test', display_name: 'Cleo Customer', role: 'customer',
		password: 'Customer-password-2024', must_change_password: false, company_ids: [co.body.id] });
	assert.equal(cust.status, 201);
	const { page } = await open('/portal/' + portal.slug);
	await page.getByRole('heading', { name: 'Sign in to ask for help' }).waitFor();
	assert.equal(await page.getByLabel('Your question').count(), 0, 'no form before signing in');
	await page.getByRole('link', { name: 'Sign in' }).click();
	await page.getByLabel('E-mail').fill('cleo@example.test');
	await page.getByLabel('Password').fill('Customer-password-2024');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(srv.url + '/portal/' + portal.slug);
	await page.getByText('Signed in as Cleo Customer').waitFor();
	assert.equal(await page.getByLabel('Your e-mail address').count(), 0, 'the address comes from the account');
	await axeCheck(page, 'portal, signed-in customer');
	await page.getByLabel('Your question').fill('Our badge reader is offline');
	await page.getByRole('button', { name: /Send|Start|Join/ }).click();
	await page.getByText('Our badge reader is offline').waitFor();
	await page.context().close();
});
