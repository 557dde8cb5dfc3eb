// Browser test of the door screen's online meeting (issue 15 section 5): a room booked by an event
// that carries an RFC 7986 CONFERENCE link (here written by a CalDAV client, as convene writes a
// Zoom meeting's) shows "Join online", the address and a QR code of it, drawn in the page, for the
// meeting going on; the screen stays axe-clean with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, apiSession } from './harness.mjs';
import { axeCheck } from './axe.mjs';

const PW = 'Admin-password-2024';
const LINK = 'https://zoom.example/j/81234567890?pwd=abc';
let srv, br, admin, page, room, disp;

const z = (m) => new Date(Math.floor(Date.now() / 60000) * 60000 + m * 60000).toISOString().replace('.000Z', 'Z');

async function ok(res, status = 200) {
	assert.equal(res.status, status, JSON.stringify(res.body));
	return res.body;
}

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	room = await ok(await admin.call('POST', '/api/v1/rooms', { name: 'Aurora room', capacity: 8 }), 201);
	disp = await ok(await admin.call('POST', `/api/v1/rooms/${room.id}/displays`, { name: 'Door' }), 201);
	page = await newPage(br.browser);
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('the meeting going on shows its join link and a QR code of it', { timeout: 60000 }, async () => {
	const me = await ok(await admin.call('GET', '/api/v1/me'));
	const cals = await ok(await admin.call('GET', '/api/v1/calendars'));
	const cal = cals.items.find((c) => c.is_default).id;
	await ok(await admin.call('POST', `/api/v1/calendars/${cal}/events`, {
		uid: 'door-join-1', summary: 'Hybrid plenary', start: z(-1), end: z(45), room_ids: [room.id],
	}), 201);
	// a CalDAV client adds the online meeting to the event
	const auth = 'Basic ' + Buffer.from(`${srv.email}:${PW}`).toString('base64');
	const url = `${srv.url}/dav/calendars/${me.user.id}/${cal}/door-join-1.ics`;
	const got = await fetch(url, { headers: { Authorization: auth } });
	assert.equal(got.status, 200);
	const text = (await got.text()).replace(/\r\n[ \t]/g, '');
	const put = await fetch(url, {
		method: 'PUT', headers: { Authorization: auth, 'Content-Type': 'text/calendar; charset=utf-8' },
		body: text.replace('END:VEVENT', `CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Zoom:${LINK}\r\nEND:VEVENT`),
	});
	assert.ok([201, 204].includes(put.status), await put.text());
	const s = await ok(await admin.call('GET', `/api/v1/display/${disp.token}`));
	assert.equal(s.current.join_url, LINK);

	await page.goto(`${srv.url}/display/${disp.token}`);
	await page.locator('.door-subject').filter({ hasText: 'Hybrid plenary' }).waitFor();
	await page.getByText('Join online').waitFor();
	await page.getByText(LINK).waitFor();
	const qr = page.getByRole('img', { name: /QR code of the join link/ });
	await qr.waitFor();
	assert.match(await qr.getAttribute('src'), /^data:image\/png;base64,/);
	await axeCheck(page, 'door screen with a join link');
});
