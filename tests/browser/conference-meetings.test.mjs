// Browser test of the Zoom meetings of a conference's schedule (issue 15 sections 5 and 8), against
// the real server and the Zoom fake: an account admin connects a Zoom account, opens the Schedule
// tab, creates a Zoom meeting for a schedule event with the chosen connection and sees its join link
// on the event (the row, the event's own JSON and its CalDAV text); uses an existing meeting for a
// second event; a move Zoom refuses shows its reason on the event and in the Zoom tab's "Changes Zoom
// has not taken", and Retry (by keyboard) brings Zoom in step once it is healthy; an all-day event's
// change is dismissed from the Zoom tab; removes the first link after the confirmation. Axe-clean
// with links and controls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';
import { axeCheck } from './axe.mjs';
import { startFakeZoom } from '../fakes/zoom/fake-zoom.mjs';

const PW = 'Admin-password-2024';
let fz, srv, br, admin;

async function ok(res, status = 200) {
	assert.equal(res.status, status, JSON.stringify(res.body));
	return res.body;
}

before(async () => {
	fz = await startFakeZoom({ clientId: 'browser-client', clientSecret: 'browser-secret', webhookSecret: 'browser-webhook' });
	srv = await startServer({ password: PW, env: {
		CONVENE_ZOOM_CLIENT_ID: 'browser-client', CONVENE_ZOOM_CLIENT_SECRET: 'browser-secret',
		CONVENE_ZOOM_WEBHOOK_SECRET: 'browser-webhook', CONVENE_ZOOM_OAUTH_URL: fz.oauthUrl, CONVENE_ZOOM_API_URL: fz.apiUrl,
	} });
	await fz.ctl('POST', 'config', { webhook_url: srv.url + '/webhooks/zoom' });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
}, { timeout: 90000 });

after(async () => {
	if (br) await br.close();
	if (srv) await srv.stop();
	if (fz) await fz.stop();
}, { timeout: 30000 });

test('create a Zoom meeting for a schedule event and see the link on the event', { timeout: 120000 }, async () => {
	const conf = await ok(await admin.call('POST', '/api/v1/conferences', { name: 'Glacier Week', description: '', starts_on: '2027-06-07',
		ends_on: '2027-06-09', time_zone: 'Europe/Oslo' }), 201);
	const c = await ok(await admin.call('POST', `/api/v1/conferences/${conf.id}/zoom-connections`, { name: 'Ice hall' }), 201);
	const u = await fz.ctl('POST', 'users', { email: 'ida@zoom.example', first_name: 'Ida', last_name: 'Ice', type: 2, timezone: 'Europe/Oslo' });
	const made = await fz.ctl('POST', `users/${u.id}/meetings`, { topic: 'Standing call', type: 2, start_time: '2027-06-08T08:00:00Z',
		duration: 30, timezone: 'Europe/Oslo', webhook: false });
	const talk = await ok(await admin.call('POST', `/api/v1/calendars/${conf.calendar_id}/events`, {
		uid: 'glacier-talk', summary: 'Melt talk', start: '2027-06-07T10:00:00', end: '2027-06-07T11:00:00', tzid: 'Europe/Oslo' }), 201);
	await ok(await admin.call('POST', `/api/v1/calendars/${conf.calendar_id}/events`, {
		summary: 'Field trip', start: '2027-06-08T09:00:00', end: '2027-06-08T12:00:00', tzid: 'Europe/Oslo' }), 201);
	await fz.ctl('POST', 'authorize_as', { user_id: u.id });
	const p = await signedInPage(br.browser, srv.url, srv.email, PW);
	await p.goto(`${srv.url}/conferences/${conf.id}/zoom`);
	await p.getByRole('row').filter({ hasText: 'Ice hall' }).getByRole('button', { name: 'Connect Ice hall', exact: true }).click();
	await p.waitForURL(new RegExp(`/zoom/${c.id}$`), { timeout: 20000 });

	await p.goto(`${srv.url}/conferences/${conf.id}/schedule`);
	await p.getByRole('heading', { name: 'Zoom meetings of the schedule' }).waitFor();
	const row = p.getByRole('row').filter({ hasText: 'Melt talk' });
	await row.getByRole('button', { name: 'Create Zoom meeting for Melt talk' }).click();
	const link = row.getByRole('link', { name: /\/j\/\d+/ });
	await link.waitFor({ timeout: 20000 });
	const url = await link.getAttribute('href');
	// the link is the event's: its JSON and its calendar text carry it
	const ev = await ok(await admin.call('GET', `/api/v1/calendars/${conf.calendar_id}/events/${talk.id}`));
	assert.deepEqual(ev.conference, { uri: url, label: 'Zoom' });
	assert.ok(ev.description.endsWith('Join Zoom meeting: ' + url), ev.description);
	const zm = await ok(await admin.call('GET', `/api/v1/conferences/${conf.id}/events/${talk.id}/zoom`));
	const at = await fz.ctl('GET', `meetings/${zm.meeting_id}`);
	assert.equal(at.start_time, '2027-06-07T08:00:00Z'); // 10:00 in Oslo (CEST)
	assert.equal(at.timezone, 'Europe/Oslo');

	// an existing meeting of the connection for the other event
	const trip = p.getByRole('row').filter({ hasText: 'Field trip' });
	await trip.getByLabel('Use an existing meeting').selectOption(String(made.meeting.id));
	await trip.getByRole('button', { name: 'Use the chosen meeting for Field trip' }).click();
	await trip.getByRole('link', { name: made.meeting.join_url }).waitFor({ timeout: 20000 });
	await axeCheck(p, 'schedule with Zoom meetings');

	// Zoom refuses the next change: the reason is shown on the event and in the Zoom tab
	await fz.ctl('POST', 'faults', { status: 400, body: { code: 300, message: 'Invalid field.' }, user_id: u.id, count: -1 });
	await ok(await admin.call('PATCH', `/api/v1/calendars/${conf.calendar_id}/events/${talk.id}`, {
		start: '2027-06-07T12:00:00', end: '2027-06-07T13:00:00', tzid: 'Europe/Oslo' }));
	const zpath = `/api/v1/conferences/${conf.id}/events/${talk.id}/zoom`;
	for (let i = 0; i < 100; i++) {
		const z = await ok(await admin.call('GET', zpath));
		if (z.sync && z.sync.status === 'failed') break;
		await new Promise((r) => setTimeout(r, 200));
	}
	await p.goto(`${srv.url}/conferences/${conf.id}/zoom`);
	await p.getByRole('heading', { name: 'Changes Zoom has not taken' }).waitFor({ timeout: 20000 });
	const pend = p.getByRole('row').filter({ hasText: 'Melt talk' });
	await pend.getByText('Zoom refused the meeting: Invalid field.').waitFor();
	await axeCheck(p, 'Zoom tab with a change Zoom has not taken');
	await p.goto(`${srv.url}/conferences/${conf.id}/schedule`);
	await row.getByText('Zoom has not taken the last change: Zoom refused the meeting: Invalid field.').waitFor({ timeout: 20000 });
	assert.equal((await fz.ctl('GET', `meetings/${zm.meeting_id}`)).start_time, '2027-06-07T08:00:00Z');
	// Zoom is healthy again: Retry, by keyboard
	await fz.ctl('DELETE', 'faults');
	const retry = row.getByRole('button', { name: 'Retry the Zoom change of Melt talk' });
	await retry.focus();
	await p.keyboard.press('Enter');
	for (let i = 0; i < 100 && (await fz.ctl('GET', `meetings/${zm.meeting_id}`)).start_time !== '2027-06-07T10:00:00Z'; i++)
		await new Promise((r) => setTimeout(r, 200));
	assert.equal((await fz.ctl('GET', `meetings/${zm.meeting_id}`)).start_time, '2027-06-07T10:00:00Z'); // 12:00 in Oslo
	await row.getByText('Zoom has not taken the last change', { exact: false }).waitFor({ state: 'detached', timeout: 20000 });

	// an all-day event cannot be a Zoom meeting: failed at once; dismissed from the Zoom tab
	const tripEv = (await ok(await admin.call('GET', `/api/v1/calendars/${conf.calendar_id}/events?start=2027-06-08T00:00:00Z&end=2027-06-09T00:00:00Z`))).items
		.find((e) => e.summary === 'Field trip');
	await ok(await admin.call('PATCH', `/api/v1/calendars/${conf.calendar_id}/events/${tripEv.event_id || tripEv.id}`, {
		all_day: true, start: '2027-06-08', end: '2027-06-09' }));
	await p.goto(`${srv.url}/conferences/${conf.id}/zoom`);
	const allDay = p.getByRole('row').filter({ hasText: 'Field trip' });
	await allDay.getByText('all-day', { exact: false }).waitFor({ timeout: 20000 });
	await allDay.getByRole('button', { name: `Dismiss the failed Zoom change of Field trip (${made.meeting.id})` }).click();
	await p.getByRole('heading', { name: 'Changes Zoom has not taken' }).waitFor({ state: 'detached', timeout: 20000 });
	await p.goto(`${srv.url}/conferences/${conf.id}/schedule`);
	await p.getByRole('heading', { name: 'Zoom meetings of the schedule' }).waitFor();

	// remove the first one
	await row.getByRole('button', { name: 'Remove the Zoom meeting of Melt talk' }).click();
	await p.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
	await row.getByRole('button', { name: 'Create Zoom meeting for Melt talk' }).waitFor({ timeout: 20000 });
	const after = await ok(await admin.call('GET', `/api/v1/calendars/${conf.calendar_id}/events/${talk.id}`));
	assert.equal(after.conference, null);
	await p.context().close();
});
