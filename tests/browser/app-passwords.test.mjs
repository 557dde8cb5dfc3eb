// Browser test: a member opens their account page from the header, creates an app password
// for Thunderbird (the secret is shown once, with a copy button and the CalDAV address),
// uses it from node with HTTP Basic (PROPFIND /dav/ -> 207; sign-in with it -> 401), sees its
// last use in the list, revokes it after confirmation, and the same PROPFIND gets 401. And an
// administrator revokes one of a member's from the user page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const MPW = 'Member-password-31';
let srv, br;
before(async () => { srv = await startServer({ password: PW }); br = await launch(); }, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

function propfind(email, secret) {
	return fetch(srv.url + '/dav/', {
		method: 'PROPFIND', signal: AbortSignal.timeout(10000),
		headers: { Authorization: 'Basic ' + Buffer.from(`${email}:${secret}`).toString('base64'), Depth: '0', 'User-Agent': 'Thunderbird/128.0' },
	});
}

test('create an app password on the account page, use it for CalDAV, revoke it', { timeout: 90000 }, async () => {
	const admin = await apiSession(srv.url, srv.email, PW);
	const cos = await admin.call('GET', '/api/v1/companies');
	const mk = await admin.call('POST', '/api/v1/users', {
		email: 'mia@example.org', display_name: 'Mia Member', role: 'member', password: MPW,
		must_change_password: false, company_ids: [cos.body.items[0].id],
	});
	assert.equal(mk.status, 201, JSON.stringify(mk.body));

	const page = await signedInPage(br.browser, srv.url, 'mia@example.org', MPW, { heading: 'Calendar' });
	await page.getByRole('link', { name: /Mia Member/ }).click();
	await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
	await page.getByRole('heading', { name: 'App passwords' }).waitFor();
	await page.getByText('No app password yet.').waitFor();
	await page.getByLabel('Device or app').fill('Thunderbird on the laptop');
	await page.getByRole('button', { name: 'Create an app password' }).click();
	await page.locator('#app-password-secret').waitFor();
	const secret = (await page.locator('#app-password-secret').textContent()).trim();
	assert.match(secret, /^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
	assert.equal((await page.locator('#app-password-url').textContent()).trim(), srv.url + '/dav/');
	assert.equal((await page.locator('#app-password-user').textContent()).trim(), 'mia@example.org');
	assert.ok(await page.getByText('you will not see it again').isVisible());
	assert.ok(await page.getByRole('button', { name: 'Copy' }).isVisible());
	await page.screenshot({ path: '/tmp/convene-browser-app-password.png', fullPage: true });
	await page.getByRole('button', { name: 'Done' }).click();
	assert.equal(await page.locator('#app-password-secret').count(), 0);
	await page.getByRole('cell', { name: 'Thunderbird on the laptop', exact: true }).waitFor();
	await page.getByRole('cell', { name: 'never' }).waitFor();

	// the app password works for CalDAV, not for signing in
	const r = await propfind('mia@example.org', secret);
	assert.equal(r.status, 207, await r.text());
	const s = await fetch(srv.url + '/api/v1/session', {
		method: 'POST', headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(10000),
		body: JSON.stringify({ email: 'mia@example.org', password: secret }),
	});
	assert.equal(s.status, 401);

	// the list shows the use, never the secret
	await page.reload();
	await page.getByRole('cell', { name: 'Thunderbird on the laptop', exact: true }).waitFor();
	await page.getByText('Thunderbird/128.0').waitFor();
	assert.equal(await page.getByText(secret).count(), 0);

	// revoke, after confirmation
	await page.getByRole('button', { name: 'Revoke Thunderbird on the laptop' }).click();
	const dlg = page.getByRole('dialog');
	await dlg.waitFor();
	await dlg.getByRole('button', { name: 'Revoke' }).click();
	await page.getByText('No app password yet.').waitFor();
	assert.equal((await propfind('mia@example.org', secret)).status, 401);
	await page.context().close();
});

// an administrator opens a member's page, sees the member's two app passwords with their
// last use, revokes one after confirmation: it stops at once, the other keeps working; a
// technician (who reads users) sees the list without Revoke buttons
test('an administrator revokes a member\'s app password on the user page', { timeout: 90000 }, async () => {
	const admin = await apiSession(srv.url, srv.email, PW);
	const cos = await admin.call('GET', '/api/v1/companies');
	const mk = (email, name, role) => admin.call('POST', '/api/v1/users', {
		email, display_name: name, role, password: MPW, must_change_password: false, company_ids: [cos.body.items[0].id],
	});
	const noah = await mk('noah@example.org', 'Noah Member', 'member');
	assert.equal(noah.status, 201, JSON.stringify(noah.body));
	assert.equal((await mk('tess@example.org', 'Tess Tech', 'technician')).status, 201);
	const own = await apiSession(srv.url, 'noah@example.org', MPW);
	const phone = (await own.call('POST', '/api/v1/me/app-passwords', { label: 'Phone' })).body;
	const laptop = (await own.call('POST', '/api/v1/me/app-passwords', { label: 'Laptop' })).body;
	assert.equal((await propfind('noah@example.org', phone.password)).status, 207);

	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/users/' + noah.body.id);
	await page.getByRole('heading', { name: 'Noah Member', level: 1 }).waitFor();
	const panel = page.getByRole('region', { name: 'App passwords' });
	await panel.getByRole('cell', { name: 'Phone', exact: true }).waitFor();
	await panel.getByRole('cell', { name: 'Laptop', exact: true }).waitFor();
	await panel.getByText('Thunderbird/128.0').waitFor();
	assert.equal(await page.getByText(phone.password).count(), 0);
	await panel.getByRole('button', { name: 'Revoke Phone' }).click();
	const dlg = page.getByRole('dialog');
	await dlg.waitFor();
	await dlg.getByRole('button', { name: 'Revoke' }).click();
	await panel.getByRole('cell', { name: 'Phone', exact: true }).waitFor({ state: 'detached' });
	await panel.getByRole('cell', { name: 'Laptop', exact: true }).waitFor();
	assert.equal((await propfind('noah@example.org', phone.password)).status, 401);
	assert.equal((await propfind('noah@example.org', laptop.password)).status, 207);
	await page.context().close();

	const tech = await signedInPage(br.browser, srv.url, 'tess@example.org', MPW);
	await tech.goto(srv.url + '/users/' + noah.body.id);
	const tpanel = tech.getByRole('region', { name: 'App passwords' });
	await tpanel.getByRole('cell', { name: 'Laptop', exact: true }).waitFor();
	assert.equal(await tpanel.getByRole('button').count(), 0);
	await tech.context().close();
});
