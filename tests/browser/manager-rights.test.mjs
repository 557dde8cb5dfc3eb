// Browser test: an administrator creates a team manager from the users page and grants rights
// with a dependency: reports alone is refused with the server's prerequisite message, reports
// with admin_center_access is saved, and removing admin_center_access also removes reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage } from './harness.mjs';

const PW = 'Admin-password-2024';
let srv, br;
before(async () => { srv = await startServer({ password: PW }); br = await launch(); }, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('create a team manager and grant rights with a dependency', { timeout: 90000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);

	// Create the team manager from the "New user" form
	const form = page.locator('form', { has: page.getByRole('heading', { name: 'New user' }) });
	await form.getByLabel('E-mail').fill('tina@example.org');
	await form.getByLabel('Name').fill('Tina Manager');
	await form.getByLabel('Role').selectOption('manager');
	await form.getByRole('button', { name: 'Create' }).click();
	await page.getByRole('link', { name: 'Tina Manager' }).waitFor();

	// Managers > Team managers > Tina
	await page.getByRole('navigation').getByRole('link', { name: 'Managers' }).click();
	await page.getByRole('tab', { name: 'Team managers' }).click();
	await page.getByRole('link', { name: 'Tina Manager' }).click();
	await page.getByRole('heading', { name: 'Rights', exact: true }).waitFor();
	const rights = page.locator('form', { has: page.getByRole('heading', { name: 'Rights', exact: true }) });
	assert.ok(await rights.getByRole('group', { name: 'Team-level rights' }).isVisible());
	assert.ok(await rights.getByRole('group', { name: 'Representative controls' }).isVisible());
	const reports = rights.getByRole('checkbox', { name: /^Reports\b/ });
	const access = rights.getByRole('checkbox', { name: 'Admin-center access', exact: true });

	// Reports without its prerequisite: the server's 422 detail is shown
	await reports.check();
	await rights.getByRole('button', { name: 'Save rights' }).click();
	const err = rights.locator('#rights-error');
	await err.waitFor();
	assert.match(await err.textContent(), /reports needs admin_center_access/);

	// Both: saved
	await access.check();
	await rights.getByRole('button', { name: 'Save rights' }).click();
	await rights.getByText('Saved.').waitFor();
	assert.equal(await err.count(), 0);
	assert.ok(await reports.isChecked());

	// The saved state survives a reload
	await page.reload();
	await page.getByRole('heading', { name: 'Rights', exact: true }).waitFor();
	assert.ok(await reports.isChecked());
	assert.ok(await access.isChecked());

	// Removing the prerequisite removes the dependent, and the UI says so
	await access.uncheck();
	await rights.getByRole('button', { name: 'Save rights' }).click();
	const removed = rights.locator('.removed');
	await removed.waitFor();
	assert.match(await removed.textContent(), /Reports/);
	assert.equal(await reports.isChecked(), false);
	await page.screenshot({ path: '/tmp/convene-browser-rights.png', fullPage: true });
	await page.context().close();
});
