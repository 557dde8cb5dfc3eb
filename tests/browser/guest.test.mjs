// Browser test of the guest's side of sharing (issue 3 §5, §8, §9): the owner invites an outside
// address from the sharing dialog; the invitation mail (caught by smtp-sink.mjs) carries a
// single-use link; the guest opens it in a fresh browser, chooses a name and a password (the
// API's refusals show next to their field), lands signed in on a read-only calendar page, and the
// subscription address shown there serves the event with HTTP Basic (e-mail + password). The
// same link opened again says clearly that it cannot be used any more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signedInPage, apiSession } from './harness.mjs';
import { startSmtpSink } from './smtp-sink.mjs';

const PW = 'Admin-password-2024';
const GUEST = 'guest@example.net';
const GPW = 'Guest-password-2024';
const today = new Date().toISOString().slice(0, 10);
let sink, srv, br, admin, cal, link;

before(async () => {
	sink = await startSmtpSink();
	srv = await startServer({ password: PW, smtp: sink.url });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const c = await admin.call('POST', '/api/v1/calendars', { name: 'Board', time_zone: 'UTC' });
	assert.equal(c.status, 201, JSON.stringify(c.body)); cal = c.body.id;
	const e = await admin.call('POST', `/api/v1/calendars/${cal}/events`, { summary: 'Quarterly review', start: `${today}T10:00:00Z`, end: `${today}T11:00:00Z` });
	assert.equal(e.status, 201, JSON.stringify(e.body));
}, { timeout: 60000 });
after(async () => {
	if (br) await br.close();
	if (srv) await srv.stop();
	if (sink) await sink.stop();
}, { timeout: 30000 });

test('share with a guest and complete the guest’s sign-up', { timeout: 120000 }, async () => {
	// the owner invites the guest from the sharing dialog
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/calendar');
	const item = page.getByRole('complementary').getByRole('listitem').filter({ hasText: 'Board' });
	await item.getByText('Options').click();
	await item.getByRole('button', { name: 'Share' }).click();
	const dlg = page.getByRole('dialog', { name: 'Sharing: Board' });
	await dlg.getByLabel('Share with a').selectOption({ label: 'Guest (by e-mail)' });
	await dlg.getByLabel('Role', { exact: true }).selectOption('viewer');
	await dlg.getByLabel('Guest’s e-mail').fill(GUEST);
	await dlg.getByRole('button', { name: 'Add', exact: true }).click();
	await dlg.getByRole('status').filter({ hasText: 'Invitation sent.' }).waitFor();
	await page.context().close();

	// the invitation mail: the calendar's name and a single-use link to this server
	const mail = (await sink.waitFor(GUEST))[0];
	assert.match(mail.text, /"Board"/);
	const m = mail.text.match(/(https?:\/\/\S+\/guest\/accept\?token=[A-Za-z0-9_-]+)/);
	assert.ok(m, mail.text);
	link = m[1];
	assert.ok(link.startsWith(srv.url + '/guest/accept?token='), link);

	// the guest, in a browser that never saw convene
	const gp = await newPage(br.browser);
	await gp.goto(link);
	await gp.getByRole('heading', { name: 'Welcome to convene' }).waitFor();
	await gp.getByText('shared with you:').waitFor();
	await gp.getByRole('list', { name: 'Calendars' }).getByRole('listitem').filter({ hasText: 'Board' }).getByText('(viewer)').waitFor();
	await gp.getByText(`You will sign in with your e-mail address, ${GUEST}`).waitFor();
	await gp.getByLabel('Your name').fill('Gwen Guest');
	// the two passwords differ: said next to the second one, nothing sent
	await gp.getByLabel('Password', { exact: true }).fill(GPW);
	await gp.getByLabel('Password again').fill(GPW + 'x');
	await gp.getByRole('button', { name: 'Accept and sign in' }).click();
	const again = gp.locator('.field.has-error').filter({ has: gp.getByLabel('Password again') });
	assert.match(await again.getByRole('alert').textContent(), /differ/);
	// a password the server refuses: its reason next to the password field, the link still usable
	await gp.getByLabel('Password', { exact: true }).fill('short');
	await gp.getByLabel('Password again').fill('short');
	await gp.getByRole('button', { name: 'Accept and sign in' }).click();
	const pwField = gp.locator('.field.has-error').filter({ has: gp.getByLabel('Password', { exact: true }) });
	assert.match(await pwField.getByRole('alert').textContent(), /at least 10 characters/);
	await gp.getByLabel('Password', { exact: true }).fill(GPW);
	await gp.getByLabel('Password again').fill(GPW);
	await gp.getByRole('button', { name: 'Accept and sign in' }).click();

	// signed in, on the calendar: only what was shared, read-only
	await gp.getByRole('heading', { name: 'Calendar', exact: true }).waitFor();
	assert.equal(new URL(gp.url()).pathname, '/calendar');
	await gp.getByText('Gwen Guest (guest)').waitFor();
	assert.deepEqual(await gp.getByRole('navigation', { name: 'main' }).getByRole('link').allTextContents(), ['Calendar']);
	const side = gp.getByRole('complementary');
	assert.deepEqual(await side.getByRole('listitem').locator('.cal-name').allTextContents(), ['Board']);
	const board = side.getByRole('listitem').filter({ hasText: 'Board' });
	await board.getByText('(viewer)').waitFor();
	assert.equal(await gp.getByRole('button', { name: 'New calendar' }).count(), 0);
	assert.equal(await gp.getByRole('button', { name: 'New event' }).count(), 0);
	await board.getByText('Options').click();
	assert.equal(await board.getByRole('button').count(), 0, 'no edit, share or import for a guest');
	const ev = gp.locator('.fc-event').filter({ hasText: 'Quarterly review' });
	await ev.waitFor();
	// nothing to drag or resize, and selecting a slot opens nothing
	assert.equal(await gp.locator('.fc-event-draggable, .fc-event-resizable').count(), 0);
	const box = await gp.locator('.fc-timegrid-slot-lane').nth(30).boundingBox();
	await gp.mouse.move(box.x + 5, box.y + 2); await gp.mouse.down();
	await gp.mouse.move(box.x + 5, box.y + 60, { steps: 5 }); await gp.mouse.up();
	assert.equal(await gp.getByRole('dialog').count(), 0);
	// the event opens read-only
	await ev.click();
	const ed = gp.getByRole('dialog', { name: 'Event details' });
	// a page to read, not a greyed-out form
	await ed.getByRole('heading', { name: 'Quarterly review' }).waitFor();
	await ed.getByText(/10:00 – 11:00/).waitFor();
	assert.equal(await ed.getByRole('textbox').count(), 0);
	assert.equal(await ed.getByRole('button', { name: 'Save' }).count(), 0);
	assert.equal(await ed.getByRole('button', { name: /Delete/ }).count(), 0);
	await gp.keyboard.press('Escape');
	await ed.waitFor({ state: 'detached' });

	// the subscription box: the private address, the login, a copy button
	const sub = gp.getByRole('region', { name: 'Subscribe in your calendar app' });
	const url = (await sub.getByLabel('Subscription address: Board').textContent()).trim();
	assert.equal(url, `${srv.url}/feeds/calendars/${cal}.ics`);
	await sub.getByText(GUEST, { exact: true }).waitFor();
	await gp.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
	await sub.getByRole('button', { name: 'Copy: Board' }).click();
	await sub.getByRole('button', { name: 'Copy: Board' }).filter({ hasText: 'Copied.' }).waitFor();
	assert.equal(await gp.evaluate(() => navigator.clipboard.readText()), url);
	// what a calendar app does with it: HTTP Basic with the e-mail address and the password
	const basic = 'Basic ' + Buffer.from(`${GUEST}:${GPW}`).toString('base64');
	let r = await fetch(url, { headers: { Authorization: basic }, signal: AbortSignal.timeout(10000) });
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/calendar/);
	assert.match(await r.text(), /^SUMMARY:Quarterly review\r?$/m);
	r = await fetch(url, { signal: AbortSignal.timeout(10000) });
	assert.equal(r.status, 401);
	assert.match(r.headers.get('www-authenticate'), /^Basic/);
	// and the guest may not change the event through the API either
	const gs = await apiSession(srv.url, GUEST, GPW);
	assert.equal((await gs.call('POST', `/api/v1/calendars/${cal}/events`, { summary: 'x', start: `${today}T12:00:00Z` })).status, 403);
	await gp.context().close();
});

test('the link used twice shows a clear error', { timeout: 60000 }, async () => {
	assert.ok(link, 'needs the sign-up test first');
	const p = await newPage(br.browser);
	await p.goto(link);
	const err = p.getByRole('alert');
	await err.waitFor();
	assert.match(await err.textContent(), /cannot be used any more: it was already used, it expired or it was withdrawn/);
	assert.equal(await p.getByLabel('Password', { exact: true }).count(), 0, 'no form for a used link');
	// the way on: sign-in
	await p.getByRole('link', { name: 'Back to sign-in' }).click();
	await p.getByRole('heading', { name: 'Sign in' }).waitFor();
	// a link cut short (a mail client wrapping it) says the same, not a raw error
	await p.goto(link.slice(0, -3));
	await p.getByText('cannot be used any more').waitFor();
	await p.context().close();
});
