// Browser test: a technician sees the admin center read-only (no creation forms, no save or
// delete buttons), and an unknown reset link shows the server's detail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
let srv, br;
before(async () => { srv = await startServer({ password: PW }); br = await launch(); }, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('technicians see pages read-only', { timeout: 60000 }, async () => {
	const admin = await apiSession(srv.url, srv.email, PW);
	const cos = await admin.call('GET', '/api/v1/companies');
	const cid = cos.body.items[0].id;
	const mk = await admin.call('POST', '/api/v1/users', {
		email: 'tech@example.org', display_name: 'Theo Tech', role: 'technician', password: 'Tech-password-99',
		must_change_password: false, company_ids: [cid],
	});
	assert.equal(mk.status, 201, JSON.stringify(mk.body));
	const mgr = await admin.call('POST', '/api/v1/users', {
		email: 'mona@example.org', display_name: 'Mona Manager', role: 'manager', company_ids: [cid],
	});
	assert.equal(mgr.status, 201, JSON.stringify(mgr.body));
	const page = await signedInPage(br.browser, srv.url, 'tech@example.org', 'Tech-password-99');
	await page.getByRole('note').filter({ hasText: 'Read-only access' }).waitFor();
	await page.getByRole('cell', { name: 'tech@example.org' }).waitFor();
	assert.equal(await page.getByRole('heading', { name: 'New user' }).count(), 0);

	await page.goto(srv.url + '/companies/' + cid);
	await page.getByRole('heading', { name: 'Devices' }).waitFor();
	await page.getByRole('heading', { name: 'Settings' }).waitFor();
	assert.equal(await page.locator('main button').count(), 0);

	await page.goto(srv.url + '/managers/' + mgr.body.id);
	await page.getByRole('heading', { name: 'Rights', exact: true }).waitFor();
	assert.equal(await page.getByRole('button', { name: 'Save rights' }).count(), 0);
	await page.context().close();
});

test('an unknown reset link shows the server detail', { timeout: 30000 }, async () => {
	const page = await newPage(br.browser);
	await page.goto(srv.url + '/reset?token=not-a-real-token');
	const pw = page.getByRole('textbox', { name: 'New password' });
	await pw.fill('A-new-password-123');
	await pw.press('Enter');
	await page.getByRole('alert').waitFor();
	assert.match(await page.getByRole('alert').textContent(), /unknown|expired/);
	await page.context().close();
});
