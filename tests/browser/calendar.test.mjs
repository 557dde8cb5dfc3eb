// Browser test of the calendar page (web/src/calendar): create a calendar, a weekly event through
// the dialog and see its occurrences in the week view; change one occurrence only (the others
// stay, checked through the API); drag a single event (PATCH with If-Match); import an .ics file;
// and an event created through the API appears without a reload (the calendar's stream).
// The view runs in Europe/Paris (the default calendar's zone) so that zones are exercised.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const TZ = 'Europe/Paris';
let srv, br, admin, page, calId;

// this week's Monday (and the days after it) as YYYY-MM-DD in TZ
const DAY = 86400000;
const todayTz = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
const today = Date.parse(todayTz + 'T00:00:00Z');
const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY;
const day = (n) => new Date(monday + n * DAY).toISOString().slice(0, 10);

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const cals = await admin.call('GET', '/api/v1/calendars');
	const def = cals.body.items.find((c) => c.is_default);
	const r = await admin.call('PATCH', '/api/v1/calendars/' + def.id, { time_zone: TZ });
	assert.equal(r.status, 200, JSON.stringify(r.body));
	page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.getByRole('navigation').getByRole('link', { name: 'Calendar' }).click();
	await page.getByRole('heading', { name: 'Calendar', exact: true }).waitFor();
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

const events = (title) => page.locator('.fc-timegrid-event, .fc-daygrid-event').filter({ hasText: title });
async function occurrences(from, to) {
	const r = await admin.call('GET', `/api/v1/calendars/${calId}/events?start=${from}T00:00:00&end=${to}T00:00:00`);
	assert.equal(r.status, 200, JSON.stringify(r.body));
	return r.body.items;
}

test('create a calendar and a weekly event through the dialog', { timeout: 60000 }, async () => {
	await page.getByRole('button', { name: 'New calendar' }).click();
	const dlg = page.getByRole('dialog', { name: 'New calendar' });
	await dlg.getByLabel('Name').fill('Team plans');
	await dlg.getByRole('button', { name: 'Create' }).click();
	await dlg.waitFor({ state: 'detached' });
	await page.getByRole('complementary').getByText('Team plans').waitFor();
	const cal = (await admin.call('GET', '/api/v1/calendars')).body.items.find((c) => c.name === 'Team plans');
	assert.ok(cal, 'the calendar exists');
	assert.equal(cal.time_zone, TZ);
	calId = cal.id;

	await page.getByRole('button', { name: 'New event' }).click();
	const ed = page.getByRole('dialog', { name: 'New event' });
	await ed.getByLabel('Calendar').selectOption({ label: 'Team plans' });
	await ed.getByLabel('Title').fill('Standup');
	await ed.getByLabel('Start date').fill(day(0));
	await ed.getByLabel('Start time').fill('10:00');
	await ed.getByLabel('End date').fill(day(0));
	await ed.getByLabel('End time').fill('10:30');
	await ed.getByLabel('Repeats').selectOption('WEEKLY');
	await ed.getByLabel('Wednesday').check();
	assert.ok(await ed.getByLabel('Monday').isChecked(), 'the start day is preselected');
	await ed.getByLabel('Attendees').fill('ann@example.org, bob@example.org');
	await ed.getByRole('button', { name: 'Create' }).click();
	await ed.waitFor({ state: 'detached' });

	// Monday and Wednesday of this week, and again next week
	await events('Standup').nth(1).waitFor();
	assert.equal(await events('Standup').count(), 2);
	await page.getByRole('button', { name: 'Next week' }).click();
	await events('Standup').nth(1).waitFor();
	assert.equal(await events('Standup').count(), 2);
	await page.getByRole('button', { name: 'today' }).click();
	// the month view has them too
	await page.getByRole('button', { name: 'Month', exact: true }).click();
	await page.locator('.fc-daygrid-event').filter({ hasText: 'Standup' }).nth(1).waitFor();
	await page.getByRole('button', { name: 'Week', exact: true }).click();
	await events('Standup').nth(1).waitFor();
	// another zone for the view moves them: 10:00 in Paris is 08:00 or 09:00 UTC
	await page.getByLabel('Time zone of the view').selectOption('UTC');
	await events('Standup').first().filter({ hasText: /^0?(8|9):00/ }).waitFor();
	await page.getByLabel('Time zone of the view').selectOption(TZ);
	await events('Standup').first().filter({ hasText: /^10:00/ }).waitFor();

	const occ = await occurrences(day(0), day(7));
	assert.equal(occ.length, 2);
	assert.equal(occ[0].start, `${day(0)}T10:00:00`);
	assert.equal(occ[0].tzid, TZ);
	const ev = (await admin.call('GET', `/api/v1/calendars/${calId}/events/${occ[0].event_id}`)).body;
	assert.match(ev.rrule, /FREQ=WEEKLY/);
	assert.match(ev.rrule, /BYDAY=MO,WE/);
	assert.deepEqual(ev.attendees.map((a) => a.email), ['ann@example.org', 'bob@example.org']);
});

test('change one occurrence only', { timeout: 60000 }, async () => {
	await events('Standup').nth(1).focus(); // Wednesday's, by keyboard
	await page.keyboard.press('Enter');
	const ed = page.getByRole('dialog', { name: 'Edit event' });
	assert.ok(await ed.getByLabel('This occurrence').isChecked());
	assert.equal(await ed.getByLabel('Start date').inputValue(), day(2));
	await ed.getByLabel('Title').fill('Standup (moved)');
	await ed.getByLabel('Start time').fill('14:00');
	assert.equal(await ed.getByLabel('End time').inputValue(), '14:30'); // the end follows the start
	await ed.getByRole('button', { name: 'Save' }).click();
	await ed.waitFor({ state: 'detached' });
	await events('Standup (moved)').waitFor();

	const occ = await occurrences(day(0), day(14));
	assert.deepEqual(occ.map((o) => [o.summary, o.start]), [
		['Standup', `${day(0)}T10:00:00`],
		['Standup (moved)', `${day(2)}T14:00:00`],
		['Standup', `${day(7)}T10:00:00`],
		['Standup', `${day(9)}T10:00:00`],
	]);
	assert.ok(occ[1].overridden);
});

test('drag a single event to another time', { timeout: 60000 }, async () => {
	const r = await admin.call('POST', `/api/v1/calendars/${calId}/events`, {
		summary: 'Review', start: `${day(1)}T09:00:00`, end: `${day(1)}T10:00:00`, tzid: TZ,
	});
	assert.equal(r.status, 201, JSON.stringify(r.body));
	const ev = events('Review');
	await ev.waitFor();
	const slot = await page.locator('.fc-timegrid-slot-lane').first().boundingBox(); // half an hour
	const box = await ev.boundingBox();
	const x = box.x + box.width / 2, y = box.y + 8;
	await page.mouse.move(x, y);
	await page.mouse.down();
	for (let i = 1; i <= 8; i++) await page.mouse.move(x, y + (slot.height * 2 * i) / 8);
	await page.mouse.up();
	await page.getByRole('status').filter({ hasText: 'Event moved.' }).waitFor();
	const got = (await admin.call('GET', `/api/v1/calendars/${calId}/events/${r.body.id}`)).body;
	assert.equal(got.start, `${day(1)}T10:00:00`);
	assert.equal(got.end, `${day(1)}T11:00:00`);
	assert.equal(got.tzid, TZ);
	assert.notEqual(got.etag, r.body.etag);
});

test('import a small .ics file', { timeout: 60000 }, async () => {
	const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN',
		'BEGIN:VEVENT', 'UID:imp-1@test', 'DTSTAMP:20260101T000000Z', `DTSTART:${day(3).replace(/-/g, '')}T070000Z`,
		`DTEND:${day(3).replace(/-/g, '')}T080000Z`, 'SUMMARY:Imported breakfast', 'END:VEVENT',
		'BEGIN:VEVENT', 'UID:imp-2@test', 'DTSTAMP:20260101T000000Z', `DTSTART;VALUE=DATE:${day(4).replace(/-/g, '')}`,
		'SUMMARY:Imported holiday', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
	const item = page.getByRole('complementary').getByRole('listitem').filter({ hasText: 'Team plans' });
	await item.getByText('Options').click();
	await item.getByRole('button', { name: 'Import' }).click();
	const dlg = page.getByRole('dialog', { name: 'Import: Team plans' });
	// a broken file first: the server's line is shown next to the file field
	await dlg.getByLabel('iCalendar file (.ics)').setInputFiles({ name: 'bad.ics', mimeType: 'text/calendar', buffer: Buffer.from('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n') });
	await dlg.getByRole('button', { name: 'Import' }).click();
	await dlg.getByRole('alert').filter({ hasText: /^Line \d+/ }).waitFor();
	await dlg.getByLabel('iCalendar file (.ics)').setInputFiles({ name: 'small.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics) });
	await dlg.getByRole('button', { name: 'Import' }).click();
	await dlg.getByRole('status').filter({ hasText: 'Imported: 2 created, 0 updated, 0 unchanged, 0 skipped' }).waitFor();
	await page.keyboard.press('Escape');
	await dlg.waitFor({ state: 'detached' });
	await events('Imported breakfast').waitFor();
	await events('Imported holiday').waitFor();
	// 07:00Z is 08:00 or 09:00 in Paris: shown in the view's zone
	assert.match(await events('Imported breakfast').textContent(), /^0?(8|9):00/);
});

test('an event created elsewhere appears without a reload', { timeout: 60000 }, async () => {
	const r = await admin.call('POST', `/api/v1/calendars/${calId}/events`, {
		summary: 'Live one', start: `${day(5)}T11:00:00`, end: `${day(5)}T12:00:00`, tzid: TZ,
	});
	assert.equal(r.status, 201, JSON.stringify(r.body));
	await events('Live one').waitFor({ timeout: 15000 });
	// and a deletion disappears the same way
	assert.equal((await admin.call('DELETE', `/api/v1/calendars/${calId}/events/${r.body.id}`)).status, 204);
	await events('Live one').waitFor({ state: 'detached', timeout: 15000 });
});

test('a stale edit is refused and reloaded (412)', { timeout: 60000 }, async () => {
	await events('Review').click();
	const ed = page.getByRole('dialog', { name: 'Edit event' });
	const list = (await occurrences(day(1), day(2))).find((o) => o.summary === 'Review');
	assert.equal((await admin.call('PATCH', `/api/v1/calendars/${calId}/events/${list.event_id}`, { location: 'Room 1' })).status, 200);
	await ed.getByLabel('Title').fill('Review (mine)');
	await ed.getByRole('button', { name: 'Save' }).click();
	await ed.getByRole('alert').filter({ hasText: 'changed by someone else' }).waitFor();
	assert.equal(await ed.getByLabel('Location').inputValue(), 'Room 1');
	await page.keyboard.press('Escape');
	await ed.waitFor({ state: 'detached' });
});
