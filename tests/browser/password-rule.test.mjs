// Browser test of the password rule under new-password fields: the reset page, before anyone
// signs in, shows the rule in the browser's language with the minimum length the server states
// (GET /api/v1/password-policy); a server with another minimum changes what the page says.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage } from './harness.mjs';

let srv, br;
before(async () => { srv = await startServer({ password: 'Admin-password-2024' }); br = await launch(); }, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('the reset page shows the server’s rule in the browser’s language', { timeout: 30000 }, async () => {
	for (const [locale, text] of [['fr-FR', 'Au moins 10 caractères'], ['ru-RU', 'Не меньше 10 символов'], ['en-GB', 'At least 10 characters']]) {
		const p = await newPage(br.browser, { locale });
		await p.goto(srv.url + '/reset?token=x');
		await p.getByText(text).waitFor();
		await p.context().close();
	}
});

test('the minimum shown is the one the server answers', { timeout: 30000 }, async () => {
	const p = await newPage(br.browser, { locale: 'fr-FR' });
	let asked = 0;
	await p.route('**/api/v1/password-policy', async (route) => {
		asked++;
		const r = await route.fetch();
		await route.fulfill({ response: r, json: { ...(await r.json()), min_length: 14 } });
	});
	await p.goto(srv.url + '/reset?token=x');
	await p.getByText('Au moins 14 caractères').waitFor();
	assert.equal(asked, 1);
	await p.context().close();
});
