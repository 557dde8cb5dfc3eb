// Browser test: an API manager registers an application (the secret is shown once), the
// credentials work, then an administrator revokes it from the manager's page and the OAuth
// token endpoint refuses the credentials with 401.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const APW = 'Api-manager-pass-77';
let srv, br;
before(async () => { srv = await startServer({ password: PW }); br = await launch(); }, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

function token(id, secret) {
	return fetch(srv.url + '/oauth/token', {
		method: 'POST', signal: AbortSignal.timeout(10000),
		headers: { Authorization: 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64'), 'Content-Type': 'application/x-www-form-urlencoded' },
		body: 'grant_type=client_credentials',
	});
}

test('register an application as an API manager and revoke it from the manager page', { timeout: 90000 }, async () => {
	const admin = await apiSession(srv.url, srv.email, PW);
	const cos = await admin.call('GET', '/api/v1/companies');
	const mk = await admin.call('POST', '/api/v1/users', {
		email: 'api@example.org', display_name: 'Ada Api', role: 'api_manager', password: APW,
		must_change_password: false, company_ids: [cos.body.items[0].id],
	});
	assert.equal(mk.status, 201, JSON.stringify(mk.body));

	// The API manager registers an application
	const page = await signedInPage(br.browser, srv.url, 'api@example.org', APW, { heading: null }); // lands on Applications
	await page.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
	await page.getByLabel('Name').fill('Billing sync');
	await page.getByLabel('Description').fill('Nightly export');
	await page.getByRole('button', { name: 'Register an application' }).click();
	await page.locator('#app-secret').waitFor();
	const secret = (await page.locator('#app-secret').textContent()).trim();
	const clientId = (await page.locator('#app-client-id').textContent()).trim();
	assert.ok(secret.length >= 20);
	assert.ok(await page.getByText('you will not see it again').isVisible());
	assert.ok(await page.getByRole('button', { name: 'Copy' }).isVisible());
	await page.screenshot({ path: '/tmp/convene-browser-app-secret.png', fullPage: true });
	await page.getByRole('button', { name: 'Done' }).click();
	// Shown once: gone after "Done" and after a reload
	assert.equal(await page.locator('#app-secret').count(), 0);
	await page.getByRole('cell', { name: /^Billing sync/ }).waitFor();
	await page.reload();
	await page.getByRole('cell', { name: /^Billing sync/ }).waitFor();
	assert.equal(await page.getByText(secret).count(), 0);
	await page.context().close();

	assert.equal((await token(clientId, secret)).status, 200);

	// The administrator revokes it from the API manager's page
	const ap = await signedInPage(br.browser, srv.url, srv.email, PW);
	await ap.getByRole('navigation').getByRole('link', { name: 'Managers' }).click();
	await ap.getByRole('tab', { name: 'API managers' }).click();
	await ap.getByRole('link', { name: 'Ada Api' }).click();
	await ap.getByRole('heading', { name: 'Applications', exact: true }).waitFor();
	await ap.getByRole('checkbox', { name: 'Select Billing sync' }).check();
	await ap.getByRole('button', { name: 'Revoke selected applications' }).click();
	const dlg = ap.getByRole('dialog');
	await dlg.waitFor();
	await dlg.getByRole('button', { name: 'Revoke selected applications' }).click();
	await ap.getByRole('cell', { name: 'revoked' }).waitFor();

	const r = await token(clientId, secret);
	assert.equal(r.status, 401);
	await ap.context().close();
});
