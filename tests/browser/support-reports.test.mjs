// Browser test of the support reports page (issue 17, section 5): sessions made through the
// portal's public API (two offline requests, one chat the customer left before anyone picked it
// up), then the administrator's page shows their figures in the table and a chart, downloads the
// same rows as CSV, and is accessible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, apiSession, signedInPage } from './harness.mjs';
import { axeCheck } from './axe.mjs';

const PW = 'Admin-password-2024';
const ALWAYS = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));
let srv, br, admin, portal;

const ok = async (r, status = 200) => { assert.equal(r.status, status, JSON.stringify(r.body)); return r.body; };
const ask = (name) => admin.call('POST', `/api/v1/public/portals/${portal.slug}/sessions`,
	{ name, email: 'cust@example.net', question: 'It does not print.' });

before(async () => {
	srv = await startServer({ password: PW });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const company = await ok(await admin.call('POST', '/api/v1/companies', { name: 'Acme Reports' }), 201);
	await ok(await admin.call('PUT', `/api/v1/companies/${company.id}/settings/business_hours`, { value: ALWAYS }));
	const list = await ok(await admin.call('GET', `/api/v1/portals?company_id=${company.id}`));
	portal = list.items.find((p) => !p.parent_id);
	portal = await ok(await admin.call('PATCH', `/api/v1/portals/${portal.id}`, { title: 'Acme help desk', offline_policy: 'offline_form' }));
	// nobody serves it: offline requests
	for (const n of ['Ann', 'Bob']) assert.equal((await ok(await ask(n), 201)).state, 'offline');
	// queued all the same, then left by the customer: a missed chat
	await ok(await admin.call('PATCH', `/api/v1/portals/${portal.id}`, { offline_policy: 'queue' }));
	const s = await ok(await ask('Cid'), 201);
	assert.equal(s.state, 'waiting');
	await ok(await admin.call('POST', `/api/v1/public/portals/${portal.slug}/sessions/${s.id}/close?token=${s.token}`), 204);
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('the reports page shows the figures and a chart, downloads them as CSV, and is accessible', { timeout: 90000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.getByRole('navigation').getByRole('link', { name: 'Support reports' }).click();
	await page.getByRole('heading', { level: 1, name: 'Support reports' }).waitFor();
	const row = page.getByRole('row', { name: /Acme help desk/ });
	await row.waitFor();
	const cells = await row.getByRole('cell').allTextContents();
	// sessions, missed, offline requests, answered within a day, then four durations (none)
	assert.deepEqual(cells.slice(0, 8), ['3', '1', '2', '0', '—', '—', '—', '—']);
	await page.locator('.report-chart canvas').first().waitFor();
	assert.ok(await page.getByRole('img', { name: 'Sessions and missed chats' }).isVisible());

	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
	assert.match(download.suggestedFilename(), /^support-report-portal-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
	const text = readFileSync(await download.path(), 'utf8');
	const lines = text.trim().split('\r\n');
	assert.equal(lines[0], '"key","name","sessions","missed","offline_requests","answered_within_day","picked_up","wait_p50_s","wait_p90_s","handle_mean_s","handle_p50_s"');
	assert.equal(lines.length, 2, text);
	assert.equal(lines[1], `"${portal.id}","Acme help desk","3","1","2","0","0","","","",""`);

	// per day: today holds the three
	await page.getByLabel('Per').selectOption('day');
	await page.getByRole('button', { name: 'Show' }).click();
	await page.getByRole('row', { name: /^Total/ }).getByRole('cell').first().filter({ hasText: '3' }).waitFor();
	await axeCheck(page, 'support reports');
});
