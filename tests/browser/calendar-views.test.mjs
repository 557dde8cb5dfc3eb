// Browser test of the calendar's views and "find a time" (web/src/calendar): a crowded month day
// folds into "+N more", whose popover lists the rest; the day and agenda views show the events; a
// phone opens on the agenda with the view buttons at the bottom; "find a time" in the event editor
// proposes the first hour when the organizer and an attendee are both free, and choosing it moves
// the event there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const BPW = 'Bob-password-2024x';
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
let srv, br, admin, page, calId, bob;

async function ok(res, status = 200) {
	assert.equal(res.status, status, JSON.stringify(res.body));
	return res.body;
}

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const cals = await ok(await admin.call('GET', '/api/v1/calendars'));
	const def = cals.items.find((c) => c.is_default);
	calId = def.id;
	await ok(await admin.call('PATCH', `/api/v1/calendars/${calId}`, { time_zone: 'UTC' }));
	for (let i = 0; i < 6; i++)
		await ok(await admin.call('POST', `/api/v1/calendars/${calId}/events`, { summary: `Talk ${i + 1}`,
			start: `${day(0)}T${String(8 + i).padStart(2, '0')}:00:00Z`, end: `${day(0)}T${String(8 + i).padStart(2, '0')}:30:00Z` }), 201);
	const cid = (await ok(await admin.call('GET', '/api/v1/companies'))).items[0].id;
	bob = await ok(await admin.call('POST', '/api/v1/users', { email: 'bob@example.org', display_name: 'Bob Member', role: 'member', password: BPW, must_change_password: false, company_ids: [cid] }), 201);
	page = await signedInPage(br.browser, srv.url, srv.email, PW);
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('month, day and agenda views; "+N more" in a crowded day', { timeout: 60000 }, async () => {
	await page.goto(srv.url + '/calendar');
	await page.locator('.fc-event').filter({ hasText: 'Talk 1' }).waitFor();
	await page.getByRole('button', { name: 'Month', exact: true }).click();
	const more = page.getByRole('button', { name: /^\+3/ });
	await more.waitFor();
	assert.equal(await page.locator('.fc-daygrid-day-events .fc-event').filter({ hasText: 'Talk 6' }).isVisible(), false, 'folded away');
	await more.click();
	await page.locator('.fc-popover').getByText('Talk 6').waitFor();
	await page.keyboard.press('Escape');
	await page.getByRole('button', { name: 'Day', exact: true }).click();
	await page.locator('.fc-timeGridDay-view .fc-event').filter({ hasText: 'Talk 6' }).waitFor();
	await page.getByRole('button', { name: 'Agenda', exact: true }).click();
	await page.locator('.fc-list-event').filter({ hasText: 'Talk 1' }).waitFor();
	assert.equal(await page.locator('.fc-list-event').filter({ hasText: /Talk \d/ }).count() >= 6, true);
});

test('a phone opens on the agenda, the views at the bottom', { timeout: 60000 }, async () => {
	const p = await signedInPage(br.browser, srv.url, srv.email, PW, { viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
	await p.goto(srv.url + '/calendar');
	await p.locator('.fc-listWeek-view .fc-list-event').filter({ hasText: 'Talk 1' }).waitFor();
	const bar = p.locator('.fc-footer-toolbar');
	await bar.getByRole('button', { name: 'Day', exact: true }).waitFor();
	const width = await p.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(width <= 400, 'no sideways scrolling: ' + width);
	await p.context().close();
});

test('find a time proposes when everyone is free and moves the event there', { timeout: 60000 }, async () => {
	// tomorrow: the organizer is busy 09:00-10:00, Bob 10:00-11:00
	await ok(await admin.call('POST', `/api/v1/calendars/${calId}/events`, { summary: 'Busy me', start: `${day(1)}T09:00:00Z`, end: `${day(1)}T10:00:00Z` }), 201);
	const bs = await apiSession(srv.url, 'bob@example.org', BPW);
	const bcal = (await ok(await bs.call('GET', '/api/v1/calendars'))).items.find((c) => c.is_default).id;
	await ok(await bs.call('POST', `/api/v1/calendars/${bcal}/events`, { summary: 'Busy Bob', start: `${day(1)}T10:00:00Z`, end: `${day(1)}T11:00:00Z` }), 201);

	await page.goto(srv.url + '/calendar');
	await page.locator('.fc-event').first().waitFor();
	await page.getByRole('button', { name: 'New event' }).click();
	const dlg = page.getByRole('dialog', { name: 'New event' });
	await dlg.getByLabel('Title').fill('Planning');
	await dlg.getByLabel('Time zone').selectOption('UTC');
	await dlg.getByLabel('Start date').fill(day(1));
	await dlg.getByLabel('Start time').fill('09:00');
	await dlg.getByLabel('End date').fill(day(1));
	await dlg.getByLabel('End time').fill('10:00');
	await dlg.getByLabel('Attendees').fill('bob@example.org');
	await dlg.getByText('Find a time').click();
	await dlg.getByLabel('Between').fill('09:00');
	await dlg.getByLabel('and', { exact: true }).fill('17:00');
	await dlg.getByRole('button', { name: 'Search', exact: true }).click();
	const first = dlg.getByRole('list', { name: 'Free times' }).getByRole('listitem').first();
	await first.waitFor();
	assert.match(await first.textContent(), /11:00–12:00/);
	await first.getByRole('button').click();
	assert.equal(await dlg.getByLabel('Start time').inputValue(), '11:00');
	assert.equal(await dlg.getByLabel('End time').inputValue(), '12:00');
	await dlg.getByRole('button', { name: 'Create' }).click();
	await dlg.waitFor({ state: 'detached' });
	await page.getByRole('status').filter({ hasText: 'Event created.' }).waitFor(); // saving says it worked
	const evs = await ok(await admin.call('GET', `/api/v1/calendars/${calId}/events?start=${day(1)}T00:00:00Z&end=${day(2)}T00:00:00Z`));
	const made = evs.items.find((e) => e.summary === 'Planning');
	assert.ok(made, JSON.stringify(evs.items));
	assert.equal(made.start, `${day(1)}T11:00:00Z`);
});
