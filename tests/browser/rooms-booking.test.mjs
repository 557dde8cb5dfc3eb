// Browser test of booking rooms from the calendar page (web/src/calendar/RoomsPanel.jsx,
// RoomsSection.jsx): a member finds a free room for capacity ≥ 6 with a screen (best fit first,
// the small room left out), books Fjord and the booking exists; a second event that asks for
// Fjord at an overlapping time is refused in the editor, naming the occurrence and the rule and
// offering Glacier, which one click swaps in and saving books. A room that needs approval says
// it waits for its delegates; the sidebar shows a room's schedule (subjects hidden as "Booked"),
// which follows bookings made elsewhere live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const MPW = 'Member-password-2024';
const TZ = 'Europe/Paris';
let srv, br, admin, member, page, calId;
const room = {};

// next week's Tuesday (in TZ): in the future, within every default horizon
const DAY = 86400000;
const todayTz = Date.parse(new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date()) + 'T00:00:00Z');
const monday = todayTz - ((new Date(todayTz).getUTCDay() + 6) % 7) * DAY + 7 * DAY;
const tue = new Date(monday + DAY).toISOString().slice(0, 10);
const wed = new Date(monday + 2 * DAY).toISOString().slice(0, 10);

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	for (const [name, capacity, extra] of [['Fjord', 8, {}], ['Glacier', 10, { hide_subjects: true }], ['Tundra', 4, {}],
		['Aurora', 12, { rules: { approval: true } }]]) {
		const r = await admin.call('POST', '/api/v1/rooms', { name, capacity, building: 'HQ', floor: '2', equipment: ['screen'], ...extra });
		assert.equal(r.status, 201, JSON.stringify(r.body));
		room[name] = r.body;
	}
	const cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
	const u = await admin.call('POST', '/api/v1/users', { email: 'mia@example.org', display_name: 'Mia Member', role: 'member',
		password: MPW, must_change_password: false, company_ids: [cid] });
	assert.equal(u.status, 201, JSON.stringify(u.body));
	member = await apiSession(srv.url, 'mia@example.org', MPW);
	const def = (await member.call('GET', '/api/v1/calendars')).body.items.find((c) => c.is_default);
	assert.ok(def, 'the member has a default calendar');
	calId = def.id;
	assert.equal((await member.call('PATCH', '/api/v1/calendars/' + calId, { time_zone: TZ })).status, 200);
	page = await signedInPage(br.browser, srv.url, 'mia@example.org', MPW, { heading: 'Calendar' });
	await page.getByRole('button', { name: 'Next week' }).click();
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

const events = (title) => page.locator('.fc-timegrid-event').filter({ hasText: title });
async function bookingsOf(name) {
	const r = await member.call('GET', `/api/v1/rooms/${room[name].id}/bookings?start=${tue}&end=${wed}`);
	assert.equal(r.status, 200, JSON.stringify(r.body));
	return r.body.items;
}
async function newEvent(title, start, end) {
	await page.getByRole('button', { name: 'New event' }).click();
	const ed = page.getByRole('dialog', { name: 'New event' });
	await ed.getByLabel('Title').fill(title);
	await ed.getByLabel('Start date').fill(tue);
	await ed.getByLabel('Start time').fill(start);
	await ed.getByLabel('End date').fill(tue);
	await ed.getByLabel('End time').fill(end);
	return ed;
}
async function findRooms(ed) {
	await ed.getByText('Find a room').click();
	await ed.getByLabel('Seats (at least)').fill('6');
	await ed.getByRole('group', { name: 'Equipment' }).getByLabel('screen').check();
	return ed.getByRole('list', { name: 'Free rooms' });
}

test('find a room for six with a screen and book it', { timeout: 60000 }, async () => {
	const ed = await newEvent('Design review', '10:00', '11:00');
	const found = await findRooms(ed);
	// best fit first; Tundra (4 seats) does not fit
	await found.getByRole('listitem').nth(2).waitFor();
	assert.deepEqual((await found.getByRole('listitem').locator('strong').allTextContents()), ['Fjord', 'Glacier', 'Aurora']);
	assert.match(await found.getByRole('listitem').first().textContent(), /HQ · 2 — 8 seats — screen/);
	await ed.getByRole('button', { name: 'Add Fjord' }).click();
	await ed.getByRole('list', { name: 'Chosen rooms' }).getByText('Fjord').waitFor();
	await ed.getByRole('button', { name: 'Create' }).click();
	await ed.waitFor({ state: 'detached' });
	await events('Design review').waitFor();

	const b = await bookingsOf('Fjord');
	assert.equal(b.length, 1);
	assert.equal(b[0].summary, 'Design review');
	assert.equal(b[0].status, 'confirmed');
	const ev = (await member.call('GET', `/api/v1/calendars/${calId}/events/${b[0].event_id}`)).body;
	assert.equal(ev.location, 'Fjord');
	assert.equal(ev.start, `${tue}T10:00:00`);

	// editing it shows the room it books, not as an attendee
	await events('Design review').click();
	const edit = page.getByRole('dialog', { name: 'Edit event' });
	await edit.getByRole('list', { name: 'Chosen rooms' }).getByText('Fjord').waitFor();
	assert.equal(await edit.getByLabel('Attendees').inputValue(), '');
	await page.keyboard.press('Escape');
	await edit.waitFor({ state: 'detached' });
});

test('a room taken at an overlapping time is refused with an alternative, swapped in one click', { timeout: 60000 }, async () => {
	// Fjord is free at noon; then the meeting moves to 10:30, when Fjord is taken
	const ed = await newEvent('Budget', '12:00', '13:00');
	const found = await findRooms(ed);
	await ed.getByRole('button', { name: 'Add Fjord' }).click();
	await ed.getByLabel('Start time').fill('10:30');
	assert.equal(await ed.getByLabel('End time').inputValue(), '11:30');
	// the results follow the new times: Fjord is no longer free
	await found.getByRole('listitem').filter({ hasText: 'Fjord' }).waitFor({ state: 'detached' });
	await found.getByRole('button', { name: 'Add Glacier' }).waitFor();
	await ed.getByRole('button', { name: 'Create' }).click();

	const refusal = ed.getByRole('alert').filter({ hasText: 'Fjord cannot be booked' });
	await refusal.waitFor();
	const text = await refusal.textContent();
	assert.match(text, /Tue, .* 10:30–11:30: already booked then \(taken 10:00–11:00\)/); // in the event's zone
	assert.equal((await member.call('GET', `/api/v1/calendars/${calId}/events?start=${tue}T12:00:00&end=${wed}`)).body.items.length, 0,
		'nothing of the refused event was written');
	await refusal.getByRole('button', { name: 'Use Glacier instead' }).click();
	await refusal.waitFor({ state: 'detached' });
	await ed.getByRole('status').filter({ hasText: 'Glacier replaces Fjord' }).waitFor();
	const chips = ed.getByRole('list', { name: 'Chosen rooms' });
	assert.deepEqual(await chips.getByRole('listitem').allTextContents(), ['Glacier×']);
	await ed.getByRole('button', { name: 'Create' }).click();
	await ed.waitFor({ state: 'detached' });
	await events('Budget').waitFor();

	const g = await bookingsOf('Glacier');
	assert.equal(g.length, 1);
	assert.equal(g[0].summary, 'Booked'); // Glacier hides subjects from members
	assert.equal((await bookingsOf('Fjord')).length, 1);
	const ev = (await member.call('GET', `/api/v1/calendars/${calId}/events/${g[0].event_id}`)).body;
	assert.equal(ev.summary, 'Budget');
	assert.equal(ev.location, 'Glacier');
});

test('a room needing approval waits for its delegates', { timeout: 60000 }, async () => {
	const ed = await newEvent('Board', '15:00', '16:00');
	await findRooms(ed);
	await ed.getByRole('button', { name: 'Add Aurora' }).click();
	await ed.getByRole('button', { name: 'Create' }).click();
	await ed.waitFor({ state: 'detached' });
	await page.getByRole('status').filter({ hasText: 'waiting for the room’s delegates: Aurora' }).waitFor();
	assert.equal((await bookingsOf('Aurora'))[0].status, 'pending');
	await events('Board').click();
	const edit = page.getByRole('dialog', { name: 'Edit event' });
	await edit.getByRole('list', { name: 'Chosen rooms' }).getByText('waiting for the room’s delegates').waitFor();
	await page.keyboard.press('Escape');
	await edit.waitFor({ state: 'detached' });
});

test("a room's schedule shows in the view from the sidebar", { timeout: 60000 }, async () => {
	const side = page.getByRole('complementary');
	await side.getByRole('checkbox', { name: /^Fjord/ }).check();
	await events('Fjord: Design review').waitFor();
	await side.getByRole('checkbox', { name: /^Glacier/ }).check();
	await events('Glacier: Booked').waitFor(); // the room hides subjects
	// read-only: clicking says so instead of opening the editor
	await events('Fjord: Design review').click();
	await page.getByRole('status').filter({ hasText: 'The schedule of Fjord is read-only here.' }).waitFor();
	await side.getByRole('checkbox', { name: /^Fjord/ }).uncheck();
	await events('Fjord: Design review').waitFor({ state: 'detached' });
	await events('Glacier: Booked').waitFor();
});

// the room's schedule is live: a booking made by someone else (through the API) appears
// without a reload, and its cancellation takes it away (GET /api/v1/rooms/{id}/stream)
test("a shown room's schedule follows bookings made elsewhere", { timeout: 60000 }, async () => {
	const side = page.getByRole('complementary');
	await side.getByRole('checkbox', { name: /^Fjord/ }).check();
	await events('Fjord: Design review').waitFor();
	const cal = (await admin.call('GET', '/api/v1/calendars')).body.items.find((c) => c.is_default && c.role === 'owner');
	const made = await admin.call('POST', `/api/v1/calendars/${cal.id}/events`, {
		summary: 'Budget talk', start: `${tue}T16:00:00`, end: `${tue}T17:00:00`, tzid: TZ, room_ids: [room.Fjord.id],
	});
	assert.equal(made.status, 201, JSON.stringify(made.body));
	await events('Fjord: Budget talk').waitFor({ timeout: 10000 });
	assert.equal((await admin.call('DELETE', `/api/v1/calendars/${cal.id}/events/${made.body.id}`)).status, 204);
	await events('Fjord: Budget talk').waitFor({ state: 'detached', timeout: 10000 });
	await side.getByRole('checkbox', { name: /^Fjord/ }).uncheck();
});
