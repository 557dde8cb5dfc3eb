// Browser test: the first administrator signs in with the one-time password printed by
// `convene init`, is forced to change it (nothing else reachable), then reaches the users page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn } from './harness.mjs';

let srv, br;
before(async () => { srv = await startServer(); br = await launch(); }, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('first sign-in with forced password change', { timeout: 60000 }, async () => {
	assert.ok(srv.oneTime, 'init printed a one-time password');
	const page = await newPage(br.browser);

	// Wrong password: the API's detail is shown, we stay on the sign-in form
	await signIn(page, srv.url, srv.email, 'not-the-password');
	await page.getByRole('alert').waitFor();
	assert.ok(await page.getByRole('heading', { name: 'Sign in' }).isVisible());

	await signIn(page, srv.url, srv.email, srv.oneTime, 'Change password');

	// The forced change is the only page: a deep link still shows it
	await page.goto(srv.url + '/users');
	await page.getByRole('heading', { name: 'Change password' }).waitFor();

	// Too short a new password: the 422 detail appears next to the new-password field
	await page.getByLabel('Current password').fill(srv.oneTime);
	await page.getByLabel('New password').fill('short');
	await page.getByLabel('New password').press('Enter');
	const fieldErr = page.locator('.field.has-error', { has: page.getByLabel('New password') }).locator('.error');
	await fieldErr.waitFor();
	assert.match(await fieldErr.textContent(), /10 characters/);

	await page.getByLabel('New password').fill('A-much-better-passw0rd');
	await page.getByRole('button', { name: 'Change password' }).click();
	await page.getByRole('heading', { name: 'Users' }).waitFor();
	await page.getByRole('cell', { name: srv.email }).waitFor();
	await page.screenshot({ path: '/tmp/convene-browser-users.png', fullPage: true });

	// Sign out, sign in again with the new password: straight to the admin center
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.getByRole('heading', { name: 'Sign in' }).waitFor();
	await signIn(page, srv.url, srv.email, 'A-much-better-passw0rd', 'Users');
	await page.context().close();
});
