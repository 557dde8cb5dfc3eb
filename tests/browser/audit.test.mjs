// Browser test of the audit log (web/src/admin/Audit.jsx): entries in words with each change as before →
// after, times in the user's time zone with the zone named, filters by action, person and period,
// the CSV export of what the filters select, and a page that fits a 1366 px wide screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const ZONE = 'Asia/Tokyo';
let srv, br, admin, page, user;

async function ok(res, status = 200) {
	assert.equal(res.status, status, JSON.stringify(res.body));
	return res.body;
}

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	await ok(await admin.call('PATCH', '/api/v1/settings', { time_zone: ZONE }));
	const cid = (await ok(await admin.call('GET', '/api/v1/companies'))).items[0].id;
	user = await ok(await admin.call('POST', '/api/v1/users', { email: 'oscar@example.org', display_name: 'Oscar Old', role: 'member', company_ids: [cid] }), 201);
	await ok(await admin.call('PATCH', `/api/v1/users/${user.id}`, { display_name: 'Oscar New' }));
	await ok(await admin.call('POST', '/api/v1/teams', { name: 'Night shift' }), 201);
	page = await signedInPage(br.browser, srv.url, srv.email, PW, { viewport: { width: 1366, height: 800 }, timezoneId: ZONE, acceptDownloads: true });
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

const rows = () => page.locator('.audit-table tbody tr');

test('entries say what changed, before → after, in the user’s zone', { timeout: 30000 }, async () => {
	await page.goto(srv.url + '/audit');
	const row = rows().filter({ hasText: 'User changed' }).first();
	await row.waitFor();
	assert.match(await row.textContent(), /Name: Oscar Old → Oscar New/);
	await rows().filter({ hasText: 'User created' }).filter({ hasText: 'Oscar Old' }).first().waitFor();
	await rows().filter({ hasText: 'Team created' }).first().waitFor();
	assert.match(await page.getByRole('columnheader').first().textContent(), new RegExp(ZONE.replace('/', '\\/')));
	// the time shown is the entry's instant in Tokyo
	const iso = await row.locator('time').getAttribute('datetime');
	const tokyo = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
		.format(new Date(iso)).replace(',', '');
	assert.equal((await row.locator('time').textContent()).slice(0, 16), tokyo);
	// every action is in words, none shown as its code (user.create …)
	const shown = await page.locator('.audit-table tbody tr td:nth-child(3)').allTextContents();
	assert.ok(shown.length >= 4, shown.join(' | '));
	assert.deepEqual(shown.filter((x) => /^[a-z_]+\.[a-z_]+$/.test(x.trim()) || !x.trim()), []);
	const width = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(width <= 1366, 'fits 1366 px: ' + width);
});

test('filters by action, person and period', { timeout: 30000 }, async () => {
	await page.goto(srv.url + '/audit');
	await rows().first().waitFor();
	await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Team created' });
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.waitForFunction(() => [...document.querySelectorAll('.audit-table tbody tr')].every((r) => r.textContent.includes('Team created')));
	assert.equal(await rows().count(), 1);

	await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Everything on: user' });
	await page.getByLabel('Person').selectOption({ label: 'Administrator (admin@example.org)' });
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.waitForFunction(() => { const r = [...document.querySelectorAll('.audit-table tbody tr')]; return r.length >= 2 && r.every((x) => /User/.test(x.textContent)); });

	// a period that ends before today has nothing
	await page.getByLabel('From (date)').fill('2020-01-01');
	await page.getByLabel('To (date)').fill('2020-01-31');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.getByText('Nothing here yet.').waitFor();
	// and a backwards one is refused at its field
	await page.getByLabel('From (date)').fill('2020-02-01');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.getByRole('alert').filter({ hasText: 'The end of the period is before its start.' }).waitFor();
});

test('CSV export of what the filters select', { timeout: 30000 }, async () => {
	await page.goto(srv.url + '/audit');
	await rows().first().waitFor();
	await page.getByLabel('Action', { exact: true }).selectOption({ label: 'User changed' });
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.waitForFunction(() => [...document.querySelectorAll('.audit-table tbody tr')].every((r) => r.textContent.includes('User changed')));
	const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
	assert.match(dl.suggestedFilename(), /^audit-\d{4}-\d\d-\d\d\.csv$/);
	const text = readFileSync(await dl.path(), 'utf8').replace(/^\ufeff/, '');
	const lines = text.trim().split(/\r\n/);
	assert.equal(lines[0], `When (${ZONE}),Who,Through,Action,Action code,Target type,Target,Target ID,Change`);
	assert.equal(lines.length, 2, text);
	assert.match(lines[1], /User changed,user\.update,user,oscar@example\.org,usr_/);
	assert.match(lines[1], /Name: Oscar Old → Oscar New/);
	await page.getByRole('status').filter({ hasText: 'Entries exported: 1.' }).waitFor();
});
