// Browser test of rooms in the admin center: an administrator creates a room, sets its rules in
// people's units (2 hours, 10 minutes), opening hours, who may book, approval and a delegate; a
// negative buffer is refused with the API's message at that field; the values are kept after a
// reload and the list filters by building, capacity and equipment. A door display's URL is shown
// once and stops working when revoked; a delegate (a member) approves a pending booking made
// through the API, and an administrator declines another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const USER_PW = 'Member-password-99';
let srv, br, admin, cid, cname, dana, bob, roomId;

// a Monday three weeks ahead: past any notice, within the default horizon and the list's window
function monday() {
	const d = new Date(Date.now() + 21 * 86400000);
	d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
	return d.toISOString().slice(0, 10);
}

async function user(email, display_name) {
	const r = await admin.call('POST', '/api/v1/users', { email, display_name, role: 'member', password: USER_PW,
		must_change_password: false, company_ids: [cid] });
	assert.equal(r.status, 201, JSON.stringify(r.body));
	return r.body;
}

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const co = (await admin.call('GET', '/api/v1/companies')).body.items[0];
	cid = co.id; cname = co.name;
	dana = await user('dana@example.org', 'Dana Delegate');
	bob = await user('bob@example.org', 'Bob Booker');
	// another room, for the list's filters
	const other = await admin.call('POST', '/api/v1/rooms', { name: 'Annex corner', capacity: 4, building: 'Annex', equipment: ['whiteboard'] });
	assert.equal(other.status, 201, JSON.stringify(other.body));
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

const adminPage = () => signedInPage(br.browser, srv.url, srv.email, PW);
const roomForm = (page) => page.getByRole('form', { name: 'Room' });
// the .field block (label, input, error) of a labelled input
const field = (page, label) => page.locator('.field', { has: page.getByLabel(label, { exact: true }) });

test('create a room, set its rules, see a refusal at its field, and find the values kept', { timeout: 90000 }, async () => {
	const page = await adminPage();
	await page.getByRole('navigation').getByRole('link', { name: 'Rooms' }).click();
	await page.getByRole('heading', { name: 'Rooms', level: 1 }).waitFor();

	const create = page.locator('form', { has: page.getByRole('heading', { name: 'New room' }) });
	await create.getByLabel('Name').fill('Board room');
	await create.getByLabel('Capacity').fill('12');
	await create.getByLabel('Building').fill('HQ');
	await create.getByLabel('Floor').fill('3');
	await create.getByLabel('Equipment').fill('projector, video');
	await create.getByRole('button', { name: 'Create' }).click();
	await page.getByRole('heading', { name: 'Board room', level: 1 }).waitFor();
	roomId = new URL(page.url()).pathname.split('/')[2];
	assert.match(roomId, /^room_/);

	const form = roomForm(page);
	// durations in people's units: 2 hours, buffers in minutes
	assert.equal(await form.getByLabel('Unit: Maximum duration').inputValue(), 'h');
	await form.getByLabel('Maximum duration', { exact: true }).fill('2');
	await form.getByLabel('Buffer after', { exact: true }).fill('10');
	assert.equal(await form.getByLabel('Unit: Buffer after').inputValue(), 'min');
	await form.getByLabel('Buffer before', { exact: true }).fill('-10');
	// opening hours: the weekday editor, Monday to Friday 08:00-18:00 by default; Friday until 16:00
	await form.getByRole('checkbox', { name: 'Always open' }).uncheck();
	await form.getByRole('group', { name: 'Friday' }).getByRole('textbox', { name: 'To' }).fill('16:00');
	// who may book: the default company
	await form.getByLabel('Company to add').selectOption({ label: cname });
	await form.getByRole('button', { name: 'Add company' }).click();
	await form.getByRole('button', { name: `Remove ${cname}` }).waitFor();
	// approval by a delegate found through the user search
	await form.getByRole('checkbox', { name: 'Bookings need approval' }).check();
	const del = page.getByRole('group', { name: 'Delegates' });
	await del.getByLabel('Find a delegate to add').fill('dana');
	await del.getByRole('button', { name: 'Add Dana Delegate' }).click();
	await del.getByRole('button', { name: 'Remove Dana Delegate' }).waitFor();

	// the negative buffer: the API's message next to that field, nothing saved
	await page.getByRole('button', { name: 'Save', exact: true }).click();
	const bad = field(page, 'Buffer before');
	await bad.getByRole('alert').filter({ hasText: 'buffer_before_minutes' }).waitFor();
	assert.match(await bad.getByRole('alert').textContent(), /from 0 to 1440/);
	assert.equal(await form.getByLabel('Buffer before', { exact: true }).getAttribute('aria-invalid'), 'true');
	const untouched = (await admin.call('GET', '/api/v1/rooms/' + roomId)).body;
	assert.equal(untouched.rules.approval, false);
	assert.equal(untouched.rules.max_duration_minutes, 0);

	await form.getByLabel('Buffer before', { exact: true }).fill('0');
	await page.getByRole('button', { name: 'Save', exact: true }).click();
	await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
	const r = (await admin.call('GET', '/api/v1/rooms/' + roomId)).body;
	assert.equal(r.capacity, 12);
	assert.equal(r.building, 'HQ');
	assert.deepEqual(r.equipment, ['projector', 'video']);
	assert.equal(r.rules.max_duration_minutes, 120);
	assert.equal(r.rules.buffer_after_minutes, 10);
	assert.equal(r.rules.buffer_before_minutes, 0);
	assert.equal(r.rules.approval, true);
	assert.deepEqual(r.rules.delegate_ids, [dana.id]);
	assert.deepEqual(r.rules.company_ids, [cid]);
	assert.deepEqual(r.rules.opening_hours.mon, [{ open: '08:00', close: '18:00' }]);
	assert.deepEqual(r.rules.opening_hours.fri, [{ open: '08:00', close: '16:00' }]);
	assert.deepEqual(r.rules.opening_hours.sat, []);

	// after a reload the form shows what was saved, in the same units
	await page.reload();
	const again = roomForm(page);
	await again.getByLabel('Maximum duration', { exact: true }).waitFor();
	assert.equal(await again.getByLabel('Maximum duration', { exact: true }).inputValue(), '2');
	assert.equal(await again.getByLabel('Unit: Maximum duration').inputValue(), 'h');
	assert.equal(await again.getByLabel('Buffer after', { exact: true }).inputValue(), '10');
	assert.equal(await again.getByLabel('Capacity').inputValue(), '12');
	assert.equal(await again.getByLabel('Equipment').inputValue(), 'projector, video');
	assert.equal(await again.getByRole('checkbox', { name: 'Bookings need approval' }).isChecked(), true);
	assert.equal(await again.getByRole('group', { name: 'Friday' }).getByRole('textbox', { name: 'To' }).inputValue(), '16:00');
	await again.getByRole('button', { name: `Remove ${cname}` }).waitFor();
	await page.getByRole('group', { name: 'Delegates' }).getByRole('button', { name: 'Remove Dana Delegate' }).waitFor();

	// the list filters by building, capacity and equipment
	await page.getByRole('link', { name: '← Rooms' }).click();
	const table = page.getByRole('table', { name: 'Rooms' });
	const filters = page.getByRole('search');
	await table.getByRole('link', { name: 'Annex corner' }).waitFor();
	await table.getByRole('link', { name: 'Board room' }).waitFor();
	await filters.getByLabel('Building').selectOption('HQ');
	await table.getByRole('link', { name: 'Annex corner' }).waitFor({ state: 'detached' });
	await filters.getByLabel('Building').selectOption('');
	await filters.getByLabel('At least (people)').fill('10');
	await table.getByRole('link', { name: 'Annex corner' }).waitFor({ state: 'detached' });
	await filters.getByLabel('At least (people)').fill('');
	await filters.getByLabel('Equipment').selectOption('whiteboard');
	await table.getByRole('link', { name: 'Board room' }).waitFor({ state: 'detached' });
	await table.getByRole('link', { name: 'Annex corner' }).waitFor();
	await filters.getByLabel('Equipment').selectOption('');
	await filters.getByRole('searchbox', { name: 'Search' }).fill('board');
	await table.getByRole('link', { name: 'Annex corner' }).waitFor({ state: 'detached' });
	await table.getByRole('link', { name: 'Board room' }).waitFor();
	await page.context().close();
});

test('a door display: its URL shown once, then revoked', { timeout: 60000 }, async () => {
	assert.ok(roomId, 'the first test made the room');
	const page = await adminPage();
	await page.goto(srv.url + '/rooms/' + roomId);
	const sec = page.locator('section', { has: page.getByRole('heading', { name: 'Door displays' }) });
	await sec.getByText('No display.').waitFor();
	await sec.getByLabel('Display name').fill('Lobby screen');
	await sec.getByRole('button', { name: 'Add display' }).click();
	const url = await sec.locator('#display-url').textContent();
	const m = /\/display\/([A-Za-z0-9_-]+)$/.exec(url);
	assert.ok(m, url);
	const token = m[1];
	await sec.getByRole('alert').filter({ hasText: 'shown only once' }).waitFor();
	await sec.getByRole('button', { name: 'Copy' }).waitFor();
	await sec.getByRole('row', { name: /Lobby screen/ }).waitFor();
	const state = await fetch(srv.url + '/api/v1/display/' + token);
	assert.equal(state.status, 200);

	// shown once: not after a reload, while the display stays listed
	await page.reload();
	await sec.getByRole('row', { name: /Lobby screen/ }).waitFor();
	assert.equal(await page.locator('#display-url').count(), 0);
	assert.equal(await page.getByText(token).count(), 0);

	await sec.getByRole('button', { name: 'Revoke Lobby screen' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
	await sec.getByText('No display.').waitFor();
	const gone = await fetch(srv.url + '/api/v1/display/' + token);
	assert.equal(gone.status, 404);
	await page.context().close();
});

test('a delegate approves a pending booking; an administrator declines another', { timeout: 90000 }, async () => {
	assert.ok(roomId, 'the first test made the room');
	const b = await apiSession(srv.url, 'bob@example.org', USER_PW);
	const cal = await b.call('POST', '/api/v1/calendars', { name: 'Bob', time_zone: 'UTC' });
	assert.equal(cal.status, 201, JSON.stringify(cal.body));
	const day = monday();
	const mk = async (summary, from, to) => {
		const r = await b.call('POST', `/api/v1/calendars/${cal.body.id}/events`,
			{ summary, start: `${day}T${from}:00`, end: `${day}T${to}:00`, room_ids: [roomId] });
		assert.equal(r.status, 201, JSON.stringify(r.body));
		assert.equal(r.body.bookings[0].status, 'pending');
		return r.body;
	};
	const planning = await mk('Planning', '10:00', '11:00');
	const review = await mk('Review', '14:00', '15:30');
	const statusOf = async (ev) => {
		const r = await admin.call('GET', `/api/v1/rooms/${roomId}/bookings?start=${day}&end=${day}T23:59:00`);
		assert.equal(r.status, 200, JSON.stringify(r.body));
		const x = r.body.items.find((i) => i.event_id === ev.id);
		return x ? x.status : 'none';
	};

	// the delegate, a member, finds the room under Rooms and approves
	const page = await signedInPage(br.browser, srv.url, 'dana@example.org', USER_PW, { heading: 'Calendar' });
	await page.getByRole('navigation').getByRole('link', { name: 'Rooms' }).click();
	await page.getByRole('link', { name: 'Board room' }).click();
	const sec = page.locator('section', { has: page.getByRole('heading', { name: 'Waiting for approval' }) });
	await sec.getByRole('row', { name: /Review/ }).waitFor();
	await sec.getByRole('button', { name: 'Approve Planning' }).click();
	await sec.getByRole('status').filter({ hasText: 'Approved: Planning' }).waitFor();
	await sec.getByRole('row', { name: /Planning/ }).waitFor({ state: 'detached' });
	assert.equal(await statusOf(planning), 'confirmed');
	// a member edits nothing here
	assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).count(), 0);
	assert.equal(await page.getByRole('heading', { name: 'Door displays' }).count(), 0);
	await page.context().close();

	const ap = await adminPage();
	await ap.goto(srv.url + '/rooms/' + roomId);
	const s2 = ap.locator('section', { has: ap.getByRole('heading', { name: 'Waiting for approval' }) });
	await s2.getByRole('button', { name: 'Decline Review' }).click();
	await ap.getByRole('dialog').getByRole('button', { name: 'Decline' }).click();
	await s2.getByText('No booking is waiting.').waitFor();
	assert.equal(await statusOf(review), 'none'); // declining frees the room
	await ap.context().close();
});

test('a room with more pending bookings than a page shows the later ones after “Load more”', { timeout: 120000 }, async () => {
	// the approval list reads 100 bookings a page (the API's limit): 105 events, 10 minutes each
	const room = await admin.call('POST', '/api/v1/rooms', { name: 'Busy room', capacity: 2, rules: { approval: true } });
	assert.equal(room.status, 201, JSON.stringify(room.body));
	const b = await apiSession(srv.url, 'bob@example.org', USER_PW);
	const cal = await b.call('POST', '/api/v1/calendars', { name: 'Bob busy', time_zone: 'UTC' });
	assert.equal(cal.status, 201, JSON.stringify(cal.body));
	const day = new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10);
	const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
	for (let i = 1; i <= 105; i++) {
		const r = await b.call('POST', `/api/v1/calendars/${cal.body.id}/events`, { summary: `Slot ${String(i).padStart(3, '0')}`,
			start: `${day}T${hhmm(i * 10)}:00`, end: `${day}T${hhmm(i * 10 + 10)}:00`, room_ids: [room.body.id] });
		assert.equal(r.status, 201, JSON.stringify(r.body));
		assert.equal(r.body.bookings[0].status, 'pending');
	}
	const page = await adminPage();
	await page.goto(srv.url + '/rooms/' + room.body.id);
	const sec = page.locator('section', { has: page.getByRole('heading', { name: 'Waiting for approval' }) });
	const rows = sec.locator('tbody tr');
	await sec.getByRole('row', { name: /Slot 100/ }).waitFor();
	assert.equal(await rows.count(), 100);
	assert.equal(await sec.getByRole('row', { name: /Slot 101/ }).count(), 0);
	await sec.getByRole('button', { name: 'Load more' }).click();
	await sec.getByRole('row', { name: /Slot 105/ }).waitFor();
	assert.equal(await rows.count(), 105);
	await sec.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
	// a decision reads the list again from its first page (the approved booking is still on it)
	await sec.getByRole('button', { name: 'Approve Slot 001' }).click();
	await sec.getByRole('status').filter({ hasText: 'Approved: Slot 001' }).waitFor();
	await sec.getByRole('row', { name: /Slot 001/ }).waitFor({ state: 'detached' });
	await sec.getByRole('button', { name: 'Load more' }).waitFor();
	assert.equal(await rows.count(), 99);
	await page.context().close();
});

test('technicians see rooms read-only', { timeout: 60000 }, async () => {
	assert.ok(roomId, 'the first test made the room');
	const mk = await admin.call('POST', '/api/v1/users', { email: 'theo@example.org', display_name: 'Theo Tech', role: 'technician',
		password: USER_PW, must_change_password: false, company_ids: [cid] });
	assert.equal(mk.status, 201, JSON.stringify(mk.body));
	const page = await signedInPage(br.browser, srv.url, 'theo@example.org', USER_PW);
	await page.getByRole('navigation').getByRole('link', { name: 'Rooms' }).click();
	assert.equal(await page.getByRole('heading', { name: 'New room' }).count(), 0);
	await page.getByRole('link', { name: 'Board room' }).click();
	const form = roomForm(page);
	await form.getByLabel('Maximum duration', { exact: true }).waitFor();
	assert.equal(await form.getByLabel('Maximum duration', { exact: true }).isDisabled(), true);
	assert.equal(await form.getByLabel('Name').isDisabled(), true);
	await page.getByRole('heading', { name: 'Door displays' }).waitFor();
	for (const name of ['Save', 'Delete room', 'Add display', 'Add company', 'Remove Dana Delegate'])
		assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, name);
	assert.equal(await page.getByLabel('Find a delegate to add').count(), 0);
	await page.context().close();
});
