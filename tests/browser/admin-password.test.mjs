// Browser test of what an administrator does for a user who lost their password (web/src/admin/Users.jsx):
// set one (a weak one is refused at its field, in words), make a one-time password shown once,
// or mail a reset link; and of the mail that cannot leave: with no mail server the admin center
// says so on every page, and an invitation says it is waiting instead of "sent".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
let srv, br, admin, page, user;

before(async () => {
	srv = await startServer({ password: PW }); br = await launch(); // no --smtp: mail waits
	admin = await apiSession(srv.url, srv.email, PW);
	const cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
	const r = await admin.call('POST', '/api/v1/users', { email: 'lena@example.org', display_name: 'Lena Lost', role: 'member', password: 'First-password-2024', must_change_password: false, company_ids: [cid] });
	assert.equal(r.status, 201, JSON.stringify(r.body)); user = r.body;
	page = await signedInPage(br.browser, srv.url, srv.email, PW);
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('with no mail server, the admin center says that e-mails cannot leave', { timeout: 30000 }, async () => {
	await page.getByRole('status').filter({ hasText: 'E-mails cannot leave: no mail server is set up.' }).waitFor();
	await page.goto(srv.url + '/rooms');
	await page.getByRole('status').filter({ hasText: 'E-mails cannot leave' }).waitFor();
});

test('set a password: a weak one is refused at its field, a good one works', { timeout: 60000 }, async () => {
	await page.goto(srv.url + '/users/' + user.id);
	const panel = page.getByRole('region', { name: 'Password', exact: true });
	await panel.getByLabel('New password').fill('password123');
	await panel.getByRole('button', { name: 'Set the password' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Set the password' }).click();
	const field = panel.locator('.field').filter({ has: page.getByLabel('New password') });
	await field.getByRole('alert').waitFor();
	assert.ok((await field.getByRole('alert').textContent()).length > 5);

	await panel.getByLabel('New password').fill('Second-password-2024');
	await panel.getByRole('button', { name: 'Set the password' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Set the password' }).click();
	await panel.getByRole('status').filter({ hasText: 'Password set; it must be changed at the next sign-in.' }).waitFor();
	const p = await signedInPage(br.browser, srv.url, 'lena@example.org', 'Second-password-2024', { heading: 'Change password' });
	await p.context().close();
});

test('make a one-time password, shown once', { timeout: 60000 }, async () => {
	await page.goto(srv.url + '/users/' + user.id);
	const panel = page.getByRole('region', { name: 'Password', exact: true });
	await panel.getByRole('button', { name: 'Make a one-time password' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Make a one-time password' }).click();
	const secret = (await panel.locator('#one-time-password').textContent()).trim();
	assert.ok(secret.length >= 12, secret);
	await panel.getByRole('alert').filter({ hasText: 'it is shown only once' }).waitFor();
	const p = await signedInPage(br.browser, srv.url, 'lena@example.org', secret, { heading: 'Change password' });
	await p.context().close();
	await page.reload();
	await page.getByRole('region', { name: 'Password', exact: true }).waitFor();
	assert.equal(await page.locator('#one-time-password').count(), 0, 'gone once left');
});

test('a reset link with no mail server says it is waiting', { timeout: 30000 }, async () => {
	await page.goto(srv.url + '/users/' + user.id);
	const panel = page.getByRole('region', { name: 'Password', exact: true });
	await panel.getByRole('button', { name: 'Send a reset link' }).click();
	await panel.getByRole('status').filter({ hasText: 'The reset link for lena@example.org is waiting' }).waitFor();
});

test('an invitation with no mail server says it is waiting, not sent', { timeout: 60000 }, async () => {
	const c = await admin.call('POST', '/api/v1/calendars', { name: 'Board', time_zone: 'UTC' });
	assert.equal(c.status, 201);
	await page.goto(srv.url + '/calendar');
	const item = page.getByRole('complementary').getByRole('listitem').filter({ hasText: 'Board' });
	await item.getByText('Options').click();
	await item.getByRole('button', { name: 'Share' }).click();
	const dlg = page.getByRole('dialog', { name: 'Sharing: Board' });
	await dlg.getByLabel('Share with a').selectOption({ label: 'Guest (by e-mail)' });
	await dlg.getByLabel('Guest’s e-mail').fill('guest@example.net');
	await dlg.getByRole('button', { name: 'Add', exact: true }).click();
	await dlg.getByRole('status').filter({ hasText: 'Invitation saved, but not sent yet' }).waitFor();
});
