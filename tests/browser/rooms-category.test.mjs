// Browser test of a room's category (web/src/admin/Rooms.jsx; Google Workspace's resourceCategory): an
// administrator creates a bookable place that is not a meeting room, the list shows each room's
// category and filters by it, and the room's page changes it. Runs once the server sends
// `category` with rooms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
let srv, br, admin, supported = false;

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const r = await admin.call('POST', '/api/v1/rooms', { name: 'Fjord room', capacity: 8 });
	assert.equal(r.status, 201, JSON.stringify(r.body));
	supported = r.body.category !== undefined;
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('create a place of another category, filter by category, change it', { timeout: 60000 }, async (t) => {
	if (!supported) { t.skip('the server has no room category yet'); return; }
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/rooms');
	const form = page.getByRole('form', { name: 'New room' });
	await form.getByLabel('Name', { exact: true }).fill('Parking space 4');
	await form.getByLabel('Category').selectOption({ label: 'other bookable place' });
	await form.getByRole('button', { name: 'Create' }).click();
	await page.getByRole('heading', { name: 'Parking space 4' }).waitFor();
	const rooms = (await admin.call('GET', '/api/v1/rooms')).body.items;
	assert.equal(rooms.find((r) => r.name === 'Parking space 4').category, 'other');

	await page.goto(srv.url + '/rooms');
	const table = page.getByRole('table', { name: 'Rooms' });
	await table.getByRole('row').filter({ hasText: 'Fjord room' }).getByText('meeting room').waitFor();
	await page.getByRole('search').getByLabel('Category').selectOption({ label: 'other bookable place' });
	await table.getByRole('link', { name: 'Parking space 4' }).waitFor();
	assert.equal(await table.getByRole('link', { name: 'Fjord room' }).count(), 0);

	await table.getByRole('link', { name: 'Parking space 4' }).click();
	await page.getByLabel('Category').selectOption({ label: 'meeting room' });
	await page.getByRole('button', { name: 'Save', exact: true }).click();
	await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
	const after = (await admin.call('GET', '/api/v1/rooms')).body.items;
	assert.equal(after.find((r) => r.name === 'Parking space 4').category, 'conference_room');
});

test('the event editor finds free rooms of one category', { timeout: 60000 }, async (t) => {
	if (!supported) { t.skip('the server has no room category yet'); return; }
	const r = await admin.call('POST', '/api/v1/rooms', { name: 'Desk 12', capacity: 1, category: 'other' });
	assert.equal(r.status, 201, JSON.stringify(r.body));
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/calendar');
	await page.getByRole('button', { name: 'New event' }).click();
	const dlg = page.getByRole('dialog', { name: 'New event' });
	await dlg.getByText('Find a room').click();
	const free = dlg.getByRole('list', { name: 'Free rooms' });
	await free.getByText('Desk 12').waitFor();
	await free.getByText('Fjord room').waitFor();
	await dlg.getByLabel('Category').selectOption({ label: 'other bookable place' });
	await page.waitForFunction(() => { const l = document.querySelector('.room-results'); return l && !l.textContent.includes('Fjord room') && l.textContent.includes('Desk 12'); });
});
