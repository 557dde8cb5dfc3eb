// Browser test of invitations from the web app (issue 14 section 1): a meeting made in the
// calendar's event editor (web/src/calendar/EventEditor.jsx) with a colleague as attendee lands
// in the colleague's schedule inbox as METHOD:REQUEST, as one made from a calendar app would;
// checked from here over CalDAV (PROPFIND Depth 1 on the colleague's inbox, with HTTP Basic).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const KPW = 'Kim-password-2024';
let srv, br, kim;

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	const admin = await apiSession(srv.url, srv.email, PW);
	const cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
	const r = await admin.call('POST', '/api/v1/users', { email: 'kim@example.org', display_name: 'Kim Colleague', role: 'member', password: KPW, must_change_password: false, company_ids: [cid] });
	assert.equal(r.status, 201, JSON.stringify(r.body));
	kim = r.body;
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

// the calendar-data of each message in the colleague's schedule inbox
async function inbox() {
	const path = `/dav/scheduling/${kim.id}/inbox/`;
	const r = await fetch(srv.url + path, {
		method: 'PROPFIND', signal: AbortSignal.timeout(10000),
		headers: { Authorization: 'Basic ' + Buffer.from(`kim@example.org:${KPW}`).toString('base64'), Depth: '1', 'Content-Type': 'application/xml' },
		body: '<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop></d:propfind>',
	});
	assert.equal(r.status, 207);
	const xml = await r.text();
	return [...xml.matchAll(/<C:calendar-data>([\s\S]*?)<\/C:calendar-data>/gi)].map((m) => m[1].replace(/\r\n /g, ''));
}

test('a meeting with a colleague made in the editor invites them', { timeout: 90000 }, async () => {
	assert.deepEqual(await inbox(), [], 'nothing delivered yet');
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.getByRole('navigation').getByRole('link', { name: 'Calendar' }).click();
	await page.getByRole('heading', { name: 'Calendar', exact: true }).waitFor();
	const day = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
	await page.getByRole('button', { name: 'New event' }).click();
	const ed = page.getByRole('dialog', { name: 'New event' });
	await ed.getByLabel('Title').fill('Planning with Kim');
	await ed.getByLabel('Start date').fill(day);
	await ed.getByLabel('Start time').fill('10:00');
	await ed.getByLabel('End date').fill(day);
	await ed.getByLabel('End time').fill('11:00');
	await ed.getByLabel('Attendees').fill('kim@example.org');
	await ed.getByRole('button', { name: 'Create' }).click();
	await ed.waitFor({ state: 'detached' });

	const got = await inbox();
	assert.equal(got.length, 1, got.join('\n---\n'));
	assert.match(got[0], /METHOD:REQUEST/);
	assert.match(got[0], /SUMMARY:Planning with Kim/);
	assert.match(got[0], /ORGANIZER[^:\n]*:mailto:admin@example\.org/i);
	assert.match(got[0], /ATTENDEE[^:\n]*:mailto:kim@example\.org/i);
});

// an .ics file with a meeting the admin organizes and Kim attends
function meetingIcs(uid, summary) {
	const day = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10).replaceAll('-', '');
	return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//convene tests//EN', 'BEGIN:VEVENT', `UID:${uid}`,
		'DTSTAMP:20260101T000000Z', `DTSTART:${day}T090000Z`, `DTEND:${day}T100000Z`, `SUMMARY:${summary}`,
		'ORGANIZER:mailto:admin@example.org', 'ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:kim@example.org',
		'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

// imports through the calendar's Import dialog, with or without asking to invite
async function importFile(page, name, text, invite) {
	const opts = page.locator('.cal-item details').first(); // the admin's own calendar's options
	if (await opts.evaluate((d) => !d.open)) await opts.getByLabel(/^Options: /).click();
	await page.getByRole('button', { name: 'Import' }).first().click();
	const dlg = page.getByRole('dialog', { name: /^Import/ });
	await dlg.getByLabel('iCalendar file (.ics)').setInputFiles({ name, mimeType: 'text/calendar', buffer: Buffer.from(text) });
	const box = dlg.getByLabel('Invite the attendees of the imported meetings');
	assert.equal(await box.isChecked(), false, 'importing invites nobody unless asked');
	if (invite) await box.check();
	await dlg.getByRole('button', { name: 'Import', exact: true }).click();
	await dlg.getByRole('status').filter({ hasText: 'Imported' }).waitFor();
	await dlg.getByRole('button', { name: 'Close', exact: true }).last().click(); // the form's, not the corner's
	await dlg.waitFor({ state: 'detached' });
}

test('an import invites nobody unless the box asks for it', { timeout: 90000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.getByRole('navigation').getByRole('link', { name: 'Calendar' }).click();
	await page.getByRole('heading', { name: 'Calendar', exact: true }).waitFor();
	const before = (await inbox()).length;
	await importFile(page, 'quiet.ics', meetingIcs('quiet-import@example.org', 'Quietly imported'), false);
	// a meeting made afterwards is delivered: had the import sent anything, it would be there by now
	await importFile(page, 'told.ics', meetingIcs('told-import@example.org', 'Imported and sent'), true);
	const got = await inbox();
	assert.equal(got.length, before + 1, got.join('\n---\n'));
	assert.ok(got.some((m) => /METHOD:REQUEST/.test(m) && /SUMMARY:Imported and sent/.test(m)), got.join('\n---\n'));
	assert.ok(!got.some((m) => /Quietly imported/.test(m)), 'the quiet import was not delivered');
});
