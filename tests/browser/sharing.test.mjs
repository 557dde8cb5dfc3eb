// Browser test of the sharing dialog (web/src/calendar/ShareDialog.jsx): an administrator shares a
// calendar with a member as viewer (found through the user search); the member sees it under
// "Shared with me", read-only. A member, who may not list users, shares by typing an e-mail
// address, and the server's refusal shows next to that field. The public address is shown once
// and rotating it ends the old one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const BPW = 'Bob-password-2024';
let srv, br, admin, cal, bob;
const today = new Date().toISOString().slice(0, 10);

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
	for (const [email, name, pw] of [['bob@example.org', 'Bob Member', BPW], ['alice@example.org', 'Alice Member', 'Alice-password-2024']]) {
		const r = await admin.call('POST', '/api/v1/users', { email, display_name: name, role: 'member', password: pw, must_change_password: false, company_ids: [cid] });
		assert.equal(r.status, 201, JSON.stringify(r.body));
		if (email.startsWith('bob')) bob = r.body.id;
	}
	const c = await admin.call('POST', '/api/v1/calendars', { name: 'Projects', time_zone: 'UTC' });
	assert.equal(c.status, 201, JSON.stringify(c.body)); cal = c.body.id;
	const e = await admin.call('POST', `/api/v1/calendars/${cal}/events`, { summary: 'Kickoff', start: `${today}T10:00:00Z`, end: `${today}T11:00:00Z` });
	assert.equal(e.status, 201, JSON.stringify(e.body));
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

async function openCalendarOptions(page, name) {
	const item = page.getByRole('complementary').getByRole('listitem').filter({ hasText: name });
	await item.getByText('Options').click();
	return item;
}

test('share a calendar with a member as viewer; they see it read-only', { timeout: 90000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/calendar');
	const item = await openCalendarOptions(page, 'Projects');
	await item.getByRole('button', { name: 'Share' }).click();
	const dlg = page.getByRole('dialog', { name: 'Sharing: Projects' });
	await dlg.getByText('Not shared with anyone.').waitFor();
	await dlg.getByLabel('Role', { exact: true }).selectOption('viewer');
	await dlg.getByLabel('Find a user').fill('bob');
	await dlg.getByRole('button', { name: 'Add Bob Member' }).click();
	const sel = dlg.getByLabel('Role: Bob Member');
	await sel.waitFor();
	assert.equal(await sel.inputValue(), 'viewer');
	const shares = (await admin.call('GET', `/api/v1/calendars/${cal}/shares`)).body.items;
	assert.deepEqual(shares.map((s) => [s.kind, s.grantee_id, s.role]), [['user', bob, 'viewer']]);
	await page.keyboard.press('Escape');
	await dlg.waitFor({ state: 'detached' });
	await page.context().close();

	// Bob: the calendar page is his start page; Projects is under "Shared with me", as viewer
	const bp = await signedInPage(br.browser, srv.url, 'bob@example.org', BPW, { heading: 'Calendar' });
	const side = bp.getByRole('complementary');
	const shared = side.getByRole('listitem').filter({ hasText: 'Projects' });
	await shared.getByText('(viewer)').waitFor();
	const bi = await openCalendarOptions(bp, 'Projects');
	assert.equal(await bi.getByRole('button').count(), 0, 'no edit, share or import for a viewer');
	await bi.getByRole('link', { name: 'Export (.ics)' }).waitFor();
	// the event opens read-only
	await bp.locator('.fc-event').filter({ hasText: 'Kickoff' }).click();
	const ed = bp.getByRole('dialog', { name: 'Event details' });
	await ed.getByRole('heading', { name: 'Kickoff' }).waitFor();
	assert.equal(await ed.getByRole('textbox').count(), 0, 'text to read, not a greyed-out form');
	assert.equal(await ed.getByRole('button', { name: 'Save' }).count(), 0);
	assert.equal(await ed.getByRole('button', { name: /Delete/ }).count(), 0);
	await bp.keyboard.press('Escape');
	await ed.waitFor({ state: 'detached' });
	// a slot selected in the view creates in his own calendar, never in Projects
	await bp.getByRole('button', { name: 'New event' }).click();
	const ne = bp.getByRole('dialog', { name: 'New event' });
	const opts = await ne.getByLabel('Calendar').locator('option').allTextContents();
	assert.deepEqual(opts, ['Bob Member']);
	await bp.keyboard.press('Escape');
	await bp.context().close();
});

test('a member shares by e-mail; a refusal shows next to the field', { timeout: 60000 }, async () => {
	const bp = await signedInPage(br.browser, srv.url, 'bob@example.org', BPW, { heading: 'Calendar' });
	const item = await openCalendarOptions(bp, 'Bob Member');
	await item.getByRole('button', { name: 'Share' }).click();
	const dlg = bp.getByRole('dialog', { name: 'Sharing: Bob Member' });
	const email = dlg.getByLabel('User’s e-mail');
	await email.fill('bob@example.org'); // himself: the owner needs no share
	await email.press('Enter');
	const err = dlg.locator('.field.has-error').getByRole('alert');
	await err.waitFor();
	assert.match(await err.textContent(), /owner/);
	await email.fill('alice@example.org');
	await dlg.getByRole('button', { name: 'Add', exact: true }).click();
	await dlg.getByRole('status').filter({ hasText: 'Added: Alice Member' }).waitFor();
	await dlg.getByLabel('Role: Alice Member').selectOption('editor');
	await dlg.getByRole('button', { name: 'Revoke Alice Member' }).waitFor();
	const cals = (await admin.call('GET', '/api/v1/calendars')).body; // admin sees only his own
	assert.ok(cals.items.every((c) => c.name !== 'Bob Member'));
	const alice = await apiSession(srv.url, 'alice@example.org', 'Alice-password-2024');
	const seen = (await alice.call('GET', '/api/v1/calendars')).body.items.find((c) => c.name === 'Bob Member');
	assert.equal(seen.role, 'editor');
	// revoke: confirm, and it is gone for Alice at once
	await dlg.getByRole('button', { name: 'Revoke Alice Member' }).click();
	const ask = bp.locator('dialog.confirm[open]');
	await ask.getByText('Revoke Alice Member?').waitFor();
	await ask.getByRole('button', { name: 'Revoke' }).click();
	await dlg.getByText('Not shared with anyone.').waitFor();
	assert.ok(!(await alice.call('GET', '/api/v1/calendars')).body.items.some((c) => c.name === 'Bob Member'));
	// someone from outside is invited as a guest
	await dlg.getByLabel('Share with a').selectOption({ label: 'Guest (by e-mail)' });
	await dlg.getByLabel('Guest’s e-mail').fill('gina@elsewhere.example');
	await dlg.getByRole('button', { name: 'Add', exact: true }).click();
	// this server has no mail server: the invitation says it waits, not that it was sent
	await dlg.getByRole('status').filter({ hasText: 'Invitation saved, but not sent yet' }).waitFor();
	await dlg.getByRole('listitem').filter({ hasText: 'invitation not accepted yet' }).waitFor();
	await bp.context().close();
});

test('the public address: a warning, shown once, rotated', { timeout: 60000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/calendar');
	const item = await openCalendarOptions(page, 'Projects');
	await item.getByRole('button', { name: 'Share' }).click();
	const dlg = page.getByRole('dialog', { name: 'Sharing: Projects' });
	await dlg.getByRole('button', { name: 'Publish' }).click();
	const ask = page.locator('dialog.confirm[open]'); // the confirmation repeats the warning
	await ask.getByText('Anyone who has the public address can read this calendar').waitFor();
	await ask.getByRole('button', { name: 'Publish' }).click();
	const url1 = (await dlg.locator('#feed-url').textContent()).trim();
	const path = (u) => new URL(u).pathname;
	let r = await fetch(srv.url + path(url1));
	assert.equal(r.status, 200);
	assert.match(await r.text(), /BEGIN:VCALENDAR/);
	await dlg.getByRole('button', { name: 'New address' }).click();
	await ask.getByText('stops working at once').waitFor();
	await ask.getByRole('button', { name: 'New address' }).click();
	await dlg.locator('#feed-url').filter({ hasNotText: url1 }).waitFor();
	const url2 = (await dlg.locator('#feed-url').textContent()).trim();
	assert.equal((await fetch(srv.url + path(url1))).status, 404);
	assert.equal((await fetch(srv.url + path(url2))).status, 200);
	await page.context().close();
});

test('a free/busy share shows busy blocks only', { timeout: 60000 }, async () => {
	const alice = (await admin.call('GET', '/api/v1/users?q=alice')).body.items[0].id;
	const r = await admin.call('POST', `/api/v1/calendars/${cal}/shares`, { kind: 'user', user_id: alice, role: 'freebusy' });
	assert.equal(r.status, 201, JSON.stringify(r.body));
	const page = await signedInPage(br.browser, srv.url, 'alice@example.org', 'Alice-password-2024', { heading: 'Calendar' });
	await page.getByRole('complementary').getByRole('listitem').filter({ hasText: 'Projects' }).getByText('(free/busy only)').waitFor();
	const busy = page.locator('.fc-event').filter({ hasText: 'Busy' });
	await busy.waitFor();
	assert.equal(await page.locator('.fc-event').filter({ hasText: 'Kickoff' }).count(), 0);
	await busy.click();
	await page.getByRole('status').filter({ hasText: 'only that this time is busy' }).waitFor();
	assert.equal(await page.getByRole('dialog').count(), 0);
	await page.context().close();
});
