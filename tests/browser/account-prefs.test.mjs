// Browser test of the user's own language and time zone (web/src/admin/Account.jsx, PATCH /api/v1/me): a member
// of an English account chooses French and Tokyo on the account page; the admin center switches to
// French at once, the choice survives a new sign-in, and "As my organisation" goes back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const MPW = 'Member-password-2024';
let srv, br, supported = false;

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	const admin = await apiSession(srv.url, srv.email, PW);
	const cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
	const r = await admin.call('POST', '/api/v1/users', { email: 'mia@example.org', display_name: 'Mia Member', role: 'member', password: MPW, must_change_password: false, company_ids: [cid] });
	assert.equal(r.status, 201, JSON.stringify(r.body));
	const me = await (await apiSession(srv.url, 'mia@example.org', MPW)).call('GET', '/api/v1/me');
	supported = me.body.language_source !== undefined;
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('a user chooses their own language and time zone', { timeout: 60000 }, async (t) => {
	if (!supported) { t.skip('the server has no per-user language yet (GET /api/v1/me language_source)'); return; }
	const page = await signedInPage(br.browser, srv.url, 'mia@example.org', MPW, { heading: 'Calendar' });
	await page.goto(srv.url + '/account');
	const form = page.getByRole('form', { name: 'Language and time zone' });
	await form.getByLabel('Language').selectOption('fr');
	await form.getByLabel('Time zone').selectOption('Asia/Tokyo');
	await form.getByRole('button', { name: 'Save' }).click();
	await page.getByRole('heading', { name: 'Mon compte' }).waitFor();
	await page.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
	await page.getByText(/Actuellement : Français, Asia\/Tokyo\./).waitFor();
	assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');

	// a new sign-in keeps it
	await page.getByRole('button', { name: 'Se déconnecter' }).click();
	await page.getByRole('heading', { name: 'Sign in' }).waitFor(); // the browser's language again
	await signIn(page, srv.url, 'mia@example.org', MPW, 'Agenda');

	// back to the organisation's
	await page.goto(srv.url + '/account');
	const f2 = page.getByRole('form', { name: 'Langue et fuseau horaire' });
	await f2.getByLabel('Langue').selectOption('');
	await f2.getByRole('button', { name: 'Enregistrer' }).click();
	await page.getByRole('heading', { name: 'My account' }).waitFor();
});

test('an administrator sets a user’s language on the user’s page', { timeout: 60000 }, async (t) => {
	if (!supported) { t.skip('the server has no per-user language yet'); return; }
	const admin = await apiSession(srv.url, srv.email, PW);
	const mia = (await admin.call('GET', '/api/v1/users?q=mia')).body.items[0];
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/users/' + mia.id);
	await page.getByLabel('Language').selectOption('ru');
	await page.getByRole('button', { name: 'Save', exact: true }).click();
	await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
	assert.equal((await admin.call('GET', '/api/v1/users/' + mia.id)).body.language, 'ru');
});
