// Conferences and Zoom in the web app (issue 15 sections 6 and 8), against the real server and the
// Zoom fake (tests/fakes/zoom, reached by the server exactly as Zoom: only the base URLs differ):
// an account admin creates a conference and appoints a member as its administrator; the member
// sees "Conferences" in the navigation, adds a Zoom connection, connects through the fake's
// authorize page, sees the meetings with their join links in both time zones, sees a meeting added
// at Zoom after Refresh, and disconnects (the token is revoked at Zoom). An install started from
// the Zoom Marketplace ends on the install page, which attaches the account to a chosen
// conference. A server with no Zoom app says so on the Zoom tab. Every page is axe-clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signedInPage, apiSession } from './harness.mjs';
import { axeCheck } from './axe.mjs';
import { startFakeZoom } from '../fakes/zoom/fake-zoom.mjs';

const PW = 'Admin-password-2024';
const MEMBER = { email: 'mona@example.org', display_name: 'Mona Member', password: 'Member-password-77' };
const COLLEAGUE = { email: 'carl@example.org', display_name: 'Carl Colleague', password: 'Member-password-78' };
let fz, srv, bare, br, admin, zuser;

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
	bare = await startServer({ password: PW });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const cos = await ok(await admin.call('GET', '/api/v1/companies'));
	await ok(await admin.call('POST', '/api/v1/users', { ...MEMBER, role: 'member', must_change_password: false, company_ids: [cos.items[0].id] }), 201);
	await ok(await admin.call('POST', '/api/v1/users', { ...COLLEAGUE, role: 'member', must_change_password: false, company_ids: [cos.items[0].id] }), 201);
	// the Zoom user who will authorize, with one meeting in another zone than the conference's
	zuser = await fz.ctl('POST', 'users', { email: 'zed@zoom.example', first_name: 'Zed', last_name: 'Host', type: 2, timezone: 'America/New_York' });
	await fz.ctl('POST', `users/${zuser.id}/meetings`, { topic: 'Opening keynote', type: 2, start_time: '2027-03-02T14:00:00Z',
		duration: 90, timezone: 'America/New_York', webhook: false });
}, { timeout: 90000 });

after(async () => {
	if (br) await br.close();
	if (srv) await srv.stop();
	if (bare) await bare.stop();
	if (fz) await fz.stop();
}, { timeout: 30000 });

test('conferences and Zoom: create, appoint, connect, meetings, refresh, disconnect', { timeout: 180000 }, async () => {
	// the account admin creates the conference in the web app
	const a = await signedInPage(br.browser, srv.url, srv.email, PW);
	await a.getByRole('navigation').getByRole('link', { name: 'Conferences' }).click();
	await a.getByRole('heading', { name: 'Conferences', level: 1 }).waitFor();
	await a.getByRole('button', { name: 'New conference' }).click();
	await a.getByLabel('Name').fill('Ocean Science 2027');
	await a.getByLabel('Description').fill('Three days on the sea floor');
	// a field error comes back next to its field: the last day before the first
	await a.getByLabel('First day').fill('2027-03-04');
	await a.getByLabel('Last day').fill('2027-03-01');
	await a.getByLabel('Time zone').selectOption('Europe/Paris');
	await a.getByRole('button', { name: 'Create' }).click();
	const endErr = a.locator('.field.has-error').filter({ has: a.getByLabel('Last day') }).locator('.error');
	const formErr = a.locator('.form-error');
	await endErr.or(formErr).first().waitFor();
	assert.equal(await a.getByLabel('Last day').getAttribute('aria-invalid'), 'true', 'the refusal is shown at the last day: ' + await a.locator('main').innerText());
	await a.getByLabel('First day').fill('2027-03-01');
	await a.getByLabel('Last day').fill('2027-03-04');
	await a.getByRole('button', { name: 'Create' }).click();
	await a.getByRole('heading', { name: 'Ocean Science 2027', level: 1 }).waitFor();
	const confId = new URL(a.url()).pathname.split('/')[2];
	assert.match(confId, /^cnf_/);
	await axeCheck(a, 'conference details');

	// … and appoints the member (found by the picker) as its administrator; the tabs go by keyboard
	await a.getByRole('tab', { name: 'Details' }).focus();
	await a.keyboard.press('ArrowRight');
	await a.waitForURL(new RegExp(`/conferences/${confId}/admins$`));
	assert.equal(await a.evaluate(() => document.activeElement.textContent), 'Administrators');
	assert.equal(await a.getByRole('tab', { name: 'Administrators' }).getAttribute('aria-selected'), 'true');
	await a.getByLabel('Add an administrator').fill('mona');
	await a.getByRole('button', { name: 'Add Mona Member' }).click();
	await a.getByRole('button', { name: 'Remove Mona Member' }).waitFor();
	await axeCheck(a, 'conference administrators');
	const admins = await ok(await admin.call('GET', `/api/v1/conferences/${confId}/admins`));
	assert.deepEqual(admins.items.map((x) => x.email), [MEMBER.email]);
	// the list shows it with its dates and zone
	await a.getByRole('link', { name: 'Conferences' }).first().click();
	const row = a.getByRole('row').filter({ hasText: 'Ocean Science 2027' });
	await row.getByText('2027-03-01 – 2027-03-04').waitFor();
	await row.getByText('Europe/Paris').waitFor();
	await axeCheck(a, 'conferences list');

	// the member sees Conferences in the navigation and opens the Zoom tab
	const m = await signedInPage(br.browser, srv.url, MEMBER.email, MEMBER.password, { heading: 'Calendar' });
	await m.getByRole('navigation').getByRole('link', { name: 'Conferences' }).click();
	await m.getByRole('link', { name: 'Ocean Science 2027' }).click();
	await m.getByRole('tab', { name: 'Schedule' }).click();
	const sched = m.getByRole('link', { name: 'Open the schedule in the calendar' });
	assert.match(await sched.getAttribute('href'), /^\/calendar\?calendar=/);
	// the calendar page opens on the schedule: listed, shown, in the conference's zone
	await sched.click();
	await m.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
	await m.getByRole('complementary').getByRole('checkbox', { name: /Ocean Science 2027/ }).waitFor();
	assert.equal(await m.getByRole('complementary').getByRole('checkbox', { name: /Ocean Science 2027/ }).isChecked(), true);
	assert.equal(await m.locator('#view-tz').inputValue(), 'Europe/Paris');
	await m.goBack();
	// a member may not list the account's users: they appoint a colleague by e-mail address
	await m.getByRole('tab', { name: 'Administrators' }).click();
	await m.getByLabel('Add an administrator by e-mail address').fill('nobody@example.org');
	await m.getByRole('button', { name: 'Add', exact: true }).click();
	await m.locator('.field.has-error').filter({ has: m.getByLabel('Add an administrator by e-mail address') }).locator('.error').waitFor();
	await m.getByLabel('Add an administrator by e-mail address').fill(COLLEAGUE.email);
	await m.getByRole('button', { name: 'Add', exact: true }).click();
	await m.getByRole('button', { name: 'Remove Carl Colleague' }).waitFor();
	await axeCheck(m, 'conference administrators, by e-mail');
	const admins2 = await ok(await admin.call('GET', `/api/v1/conferences/${confId}/admins`));
	assert.deepEqual(admins2.items.map((x) => x.email).sort(), [COLLEAGUE.email, MEMBER.email]);
	await m.getByRole('tab', { name: 'Zoom' }).click();
	await m.getByText('No Zoom connection yet.').waitFor();
	// a name is needed: the server's refusal shows at the field
	await m.getByLabel('Connection name').fill('Main hall');
	await m.getByRole('button', { name: 'Add Zoom connection' }).click();
	const row2 = m.getByRole('row').filter({ hasText: 'Main hall' });
	await row2.getByText('not connected', { exact: true }).waitFor();
	await axeCheck(m, 'Zoom tab');

	// Connect: Zoom's authorize page (the fake approves as Zed) and back on the connection's page
	await row2.getByRole('button', { name: 'Connect Main hall', exact: true }).click();
	await m.waitForURL(new RegExp(`/conferences/${confId}/zoom/zcn_`), { timeout: 20000 });
	await m.getByRole('heading', { name: 'Main hall', level: 1 }).waitFor();
	await m.locator('.badge').getByText('connected', { exact: true }).waitFor();
	const acct = m.getByRole('region', { name: 'Zoom account' });
	await acct.getByText('Zed Host').waitFor();
	await acct.getByText('zed@zoom.example').waitFor();
	await acct.getByText('Licensed').waitFor();
	// its meetings: read at connect, or on the first Refresh
	const keynote = m.getByRole('row').filter({ hasText: 'Opening keynote' });
	if (!(await keynote.count())) {
		await m.getByRole('button', { name: 'Refresh', exact: true }).click();
	}
	await keynote.waitFor({ timeout: 15000 });
	// 14:00Z is 15:00 in Paris (the conference) and 09:00 in New York (the meeting)
	await keynote.getByText('2027-03-02 15:00').waitFor();
	await keynote.getByText('2027-03-02 09:00').waitFor();
	await keynote.getByText('90 min').waitFor();
	const join = keynote.getByRole('link');
	assert.match(await join.getAttribute('href'), /^http:\/\/127\.0\.0\.1:\d+\/j\/\d+/);
	await keynote.getByRole('button', { name: 'Copy the join link of Opening keynote' }).waitFor();
	await axeCheck(m, 'Zoom connection page');
	await m.emulateMedia({ colorScheme: 'dark' });
	await axeCheck(m, 'Zoom connection page (dark)');
	await m.emulateMedia({ colorScheme: 'light' });

	// a meeting made at Zoom (no webhook): Refresh shows it, with progress while Zoom is asked
	await fz.ctl('POST', `users/${zuser.id}/meetings`, { topic: 'Poster session', type: 2, start_time: '2027-03-03T10:30:00Z',
		duration: 45, timezone: 'Europe/Paris', webhook: false });
	assert.equal(await m.getByRole('row').filter({ hasText: 'Poster session' }).count(), 0);
	await m.getByRole('button', { name: 'Refresh', exact: true }).click();
	await m.getByRole('row').filter({ hasText: 'Poster session' }).getByText('2027-03-03 11:30').first().waitFor({ timeout: 15000 });

	// a meeting made at Zoom with its webhook: the page follows on its own (SSE), no click
	await fz.ctl('POST', `users/${zuser.id}/meetings`, { topic: 'Closing panel', type: 2, start_time: '2027-03-04T16:00:00Z',
		duration: 30, timezone: 'Europe/Paris' });
	await m.getByRole('row').filter({ hasText: 'Closing panel' }).waitFor({ timeout: 15000 });

	// the connection is renamed; an empty name is refused at the field
	await m.getByText('Rename the connection').click();
	await m.getByLabel('Connection name').fill('   ');
	await m.getByRole('button', { name: 'Save', exact: true }).click();
	await m.locator('.field.has-error').filter({ has: m.getByLabel('Connection name') }).locator('.error').waitFor();
	await m.getByLabel('Connection name').fill('Main hall (Zed)');
	await m.getByRole('button', { name: 'Save', exact: true }).click();
	await m.getByRole('heading', { name: 'Main hall (Zed)', level: 1 }).waitFor();

	// Start as host: a fresh start_url, opened in a new tab, nowhere in the page
	const [host] = await Promise.all([m.context().waitForEvent('page'),
		keynote.getByRole('button', { name: 'Start as host: Opening keynote' }).click()]);
	await host.waitForURL(/\/s\/\d+\?zak=/);
	assert.equal(await m.evaluate(() => document.documentElement.innerHTML.includes('zak=')), false, 'the start_url is not in the page');
	await host.close();

	// Disconnect, after a confirmation: back on the Zoom tab, nothing left, the token revoked at Zoom
	await m.getByRole('button', { name: 'Disconnect', exact: true }).click();
	await m.getByRole('dialog').getByRole('button', { name: 'Disconnect', exact: true }).click();
	await m.waitForURL(new RegExp(`/conferences/${confId}/zoom$`));
	await m.getByText('No Zoom connection yet.').waitFor();
	// the revocation may follow the answer (it is made outside the transaction)
	let zu;
	for (let i = 0; i < 50; i++) {
		zu = await fz.ctl('GET', `users/${zuser.id}`);
		if (!zu.installed) break;
		await new Promise((r) => setTimeout(r, 100));
	}
	assert.equal(zu.installed, false, 'the app is uninstalled at Zoom once no connection uses the account');
	await a.context().close();
	await m.context().close();
});

test('Zoom says 429: the cached meetings stay with the time to retry; a dead authorization asks to Reconnect', { timeout: 120000 }, async () => {
	const conf = await ok(await admin.call('POST', '/api/v1/conferences', { name: 'Reef Days', description: '', starts_on: '2027-04-01',
		ends_on: '2027-04-02', time_zone: 'Australia/Brisbane' }), 201);
	const c = await ok(await admin.call('POST', `/api/v1/conferences/${conf.id}/zoom-connections`, { name: 'Reef hall' }), 201);
	const u = await fz.ctl('POST', 'users', { email: 'rae@zoom.example', first_name: 'Rae', last_name: 'Reef', type: 1, timezone: 'Australia/Brisbane' });
	await fz.ctl('POST', `users/${u.id}/meetings`, { topic: 'Coral talk', type: 2, start_time: '2027-04-01T00:00:00Z', duration: 30,
		timezone: 'Australia/Brisbane', webhook: false });
	await fz.ctl('POST', 'authorize_as', { user_id: u.id });
	const p = await signedInPage(br.browser, srv.url, srv.email, PW);
	await p.goto(`${srv.url}/conferences/${conf.id}/zoom`);
	await p.getByRole('row').filter({ hasText: 'Reef hall' }).getByRole('button', { name: 'Connect Reef hall', exact: true }).click();
	await p.waitForURL(new RegExp(`/zoom/${c.id}$`), { timeout: 20000 });
	const coral = p.getByRole('row').filter({ hasText: 'Coral talk' });
	if (!(await coral.count())) await p.getByRole('button', { name: 'Refresh', exact: true }).click();
	// 00:00Z is 10:00 in Brisbane, the conference's zone and the meeting's
	await coral.getByText('2027-04-01 10:00').first().waitFor({ timeout: 15000 });
	await p.getByText('Basic', { exact: true }).waitFor();

	// Zoom throttles: the refusal is said, the list stays, and when to try again
	await fz.ctl('POST', 'throttle', { user_id: u.id, on: true, count: -1, kind: 'qps' });
	await fz.ctl('POST', `users/${u.id}/meetings`, { topic: 'Hidden by the throttle', type: 2, start_time: '2027-04-01T02:00:00Z',
		duration: 30, webhook: false });
	await p.getByRole('button', { name: 'Refresh', exact: true }).click();
	// what went wrong is said from its code (zoom_rate_limited), with the time to retry
	await p.getByText('Zoom asked to wait: its rate limit was reached. Refresh once the time below has passed.').waitFor({ timeout: 15000 });
	await p.getByText(/The meetings shown are the last ones read; refresh after \d{4}-\d{2}-\d{2} \d{2}:\d{2}/).waitFor();
	await p.locator('.form-error').waitFor();
	assert.equal(await coral.count(), 1, 'the cached meeting is still shown');
	assert.equal(await p.getByRole('row').filter({ hasText: 'Hidden by the throttle' }).count(), 0);
	await axeCheck(p, 'Zoom connection page after a 429');
	// a French administrator reads it in French (the server's English `error` is not shown)
	await ok(await admin.call('PATCH', '/api/v1/settings', { language: 'fr' }));
	await p.reload();
	await p.getByText('Zoom demande d’attendre : sa limite de requêtes est atteinte. Actualisez une fois l’heure indiquée passée.').waitFor({ timeout: 15000 });
	await p.getByText(/Les réunions affichées sont les dernières lues ; actualisez après \d{4}-\d{2}-\d{2} \d{2}:\d{2}/).waitFor();
	assert.equal(await p.getByText(/rate limit was reached/).count(), 0, 'no English left');
	await p.goto(`${srv.url}/conferences/${conf.id}/zoom`);
	await p.getByRole('row').filter({ hasText: 'Reef hall' }).getByText(/^Zoom demande d’attendre : sa limite de requêtes est atteinte\./).waitFor();
	await ok(await admin.call('PATCH', '/api/v1/settings', { language: 'en' }));
	await p.goto(`${srv.url}/conferences/${conf.id}/zoom/${c.id}`);
	await coral.first().waitFor({ timeout: 15000 });
	await fz.ctl('POST', 'throttle', { user_id: u.id, on: false });

	// the tokens convene holds die behind its back: the next refresh says so and offers Reconnect
	await fz.ctl('POST', `users/${u.id}/stale_tokens`);
	await fz.ctl('POST', `users/${u.id}/expire_token`);
	await p.getByRole('button', { name: 'Refresh', exact: true }).click();
	await p.locator('.badge').getByText('needs reconnecting').waitFor({ timeout: 15000 });
	const again = p.getByRole('button', { name: 'Reconnect', exact: true });
	assert.match(await again.getAttribute('class'), /primary/, 'Reconnect is the prominent action');
	await p.goto(`${srv.url}/conferences/${conf.id}/zoom`);
	const row = p.getByRole('row').filter({ hasText: 'Reef hall' });
	await row.getByText('needs reconnecting').waitFor();
	await row.getByText(/^Zoom refused the stored authorization: .* Reconnect to see the meetings again\./).waitFor();
	await axeCheck(p, 'Zoom tab with a connection to reconnect');
	await p.emulateMedia({ colorScheme: 'dark' });
	await axeCheck(p, 'Zoom tab with a connection to reconnect (dark)');
	await row.getByRole('button', { name: 'Reconnect Reef hall', exact: true }).click();
	await p.waitForURL(new RegExp(`/zoom/${c.id}$`), { timeout: 20000 });
	await p.locator('.badge').getByText('connected', { exact: true }).waitFor();
	await p.context().close();
});

test('an install from the Zoom Marketplace is attached to the conference the user picks', { timeout: 120000 }, async () => {
	const conf = await ok(await admin.call('POST', '/api/v1/conferences', { name: 'Marine Week', description: '', starts_on: '2027-05-10',
		ends_on: '2027-05-12', time_zone: 'Europe/Oslo' }), 201);
	await ok(await admin.call('POST', '/api/v1/conferences', { name: 'Other meeting', description: '', starts_on: '2027-06-01',
		ends_on: '2027-06-01', time_zone: 'UTC' }), 201);
	const u = await fz.ctl('POST', 'users', { email: 'ines@zoom.example', first_name: 'Ines', last_name: 'Install', type: 1 });
	const inst = await fz.ctl('POST', 'marketplace_install', { user_id: u.id, redirect_uri: srv.url + '/oauth/zoom/callback' });
	// signed out, Zoom's redirect lands on the sign-in page, which comes back to the install page
	const p = await newPage(br.browser);
	await p.goto(inst.location);
	await p.waitForURL(/\/zoom\/install\?token=/, { timeout: 20000 });
	await p.getByRole('heading', { name: 'Sign in' }).waitFor();
	await p.getByLabel('E-mail').fill(srv.email);
	await p.getByLabel('Password', { exact: true }).fill(PW);
	await p.getByLabel('Password', { exact: true }).press('Enter');
	await p.getByRole('heading', { name: 'Add a Zoom account to conferences' }).waitFor();
	await p.getByText('ines@zoom.example').waitFor();
	await axeCheck(p, 'Zoom install page');
	await p.getByLabel('Marine Week').check();
	await p.getByLabel('Connection name').fill('Ines at Marine Week');
	await p.getByRole('button', { name: 'Add to the chosen conferences' }).click();
	await p.waitForURL(new RegExp(`/conferences/${conf.id}/zoom$`));
	const row = p.getByRole('row').filter({ hasText: 'Ines at Marine Week' });
	await row.getByText('connected', { exact: true }).waitFor();
	await row.getByText('ines@zoom.example').waitFor();
	await p.context().close();
});

test('a server with no Zoom app says so on the Zoom tab, and how to configure it', { timeout: 60000 }, async () => {
	const s = await apiSession(bare.url, bare.email, PW);
	const conf = await ok(await s.call('POST', '/api/v1/conferences', { name: 'Quiet days', description: '', starts_on: '2027-01-10',
		ends_on: '2027-01-11', time_zone: 'UTC' }), 201);
	const p = await signedInPage(br.browser, bare.url, bare.email, PW);
	await p.goto(`${bare.url}/conferences/${conf.id}/zoom`);
	await p.getByRole('heading', { name: 'Zoom is not configured on this server' }).waitFor();
	await p.getByText('zoom_client_id', { exact: true }).waitFor();
	await p.getByText(bare.url + '/oauth/zoom/callback').waitFor();
	await p.getByText(bare.url + '/webhooks/zoom').waitFor();
	await p.getByText('docs/zoom.md').waitFor();
	assert.equal(await p.getByRole('button', { name: 'Add Zoom connection' }).count(), 0);
	await axeCheck(p, 'Zoom not configured');
	// the same in French and in Russian
	await ok(await s.call('PATCH', '/api/v1/settings', { language: 'fr' }));
	await p.reload();
	await p.getByRole('heading', { name: 'Zoom n’est pas configuré sur ce serveur' }).waitFor();
	await ok(await s.call('PATCH', '/api/v1/settings', { language: 'ru' }));
	await p.reload();
	await p.getByRole('heading', { name: 'Zoom на этом сервере не настроен' }).waitFor();
	await ok(await s.call('PATCH', '/api/v1/settings', { language: 'en' }));
	// a member who administers no conference has no Conferences in the navigation
	const cos = await ok(await s.call('GET', '/api/v1/companies'));
	const nils = await ok(await s.call('POST', '/api/v1/users', { email: 'nils@example.org', display_name: 'Nils None', role: 'member',
		password: 'Member-password-88', must_change_password: false, company_ids: [cos.items[0].id] }), 201);
	const n = await signedInPage(br.browser, bare.url, 'nils@example.org', 'Member-password-88', { heading: 'Calendar' });
	// once the app has asked for the conferences (and got none), the navigation has no entry for them
	const asked = n.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/conferences');
	await n.reload();
	assert.equal((await asked).status(), 200);
	await n.getByRole('navigation').getByRole('link', { name: 'Rooms' }).waitFor();
	await n.waitForTimeout(100);
	assert.equal(await n.getByRole('navigation').getByRole('link', { name: 'Conferences' }).count(), 0);
	// appointed while signed in: the entry appears when the tab is looked at again, without a reload
	await ok(await s.call('PUT', `/api/v1/conferences/${conf.id}/admins/${nils.id}`), 204);
	await n.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
	await n.getByRole('navigation').getByRole('link', { name: 'Conferences' }).waitFor();
	await n.context().close();
	// the account admin deletes the conference after a confirmation; its schedule goes with it
	await p.goto(`${bare.url}/conferences/${conf.id}`);
	await p.getByRole('button', { name: 'Delete the conference' }).click();
	await p.getByRole('dialog').getByText('Delete the conference Quiet days, its schedule').waitFor();
	await p.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
	await p.waitForURL(/\/conferences$/);
	await p.getByText('No conference yet.').waitFor();
	assert.equal((await s.call('GET', `/api/v1/calendars/${conf.calendar_id}`)).status, 404);
	await p.context().close();
});
