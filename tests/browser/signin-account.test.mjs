// Browser test: an address is unique within an account only (migration 026). When the same
// address and password open two organisations, the sign-in form shows the organisations the
// server lists (409 account-required) and signs in to the one chosen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, launch, newPage, signIn } from './harness.mjs';

const PASSWORD = 'Shared-passw0rd-for-two';
const BIN = process.env.CONVENE_BIN || new URL('../../build/release/convene', import.meta.url).pathname;
let srv, br;
before(async () => {
	srv = await startServer({ password: PASSWORD });
	// a second organisation whose administrator has the same address and password
	await new Promise((resolve, reject) => execFile(BIN, ['account', 'add', '--data', srv.data, '--name', 'Beta',
		'--admin-email', srv.email, '--admin-password', PASSWORD], { timeout: 30000 },
	(err, out, errout) => (err ? reject(new Error(errout)) : resolve(out))));
	br = await launch();
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('one password for two organisations asks which one', { timeout: 60000 }, async () => {
	const page = await newPage(br.browser);
	await signIn(page, srv.url, srv.email, PASSWORD);
	const select = page.getByLabel('Organisation');
	await select.waitFor();
	const names = await select.locator('option').allTextContents();
	assert.equal(names.length, 2);
	assert.ok(names.includes('Beta'), names.join(', '));
	await select.selectOption({ label: 'Beta' });
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
	const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
	assert.equal(me.account.name, 'Beta');
	await page.context().close();
});
