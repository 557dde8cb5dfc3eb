// Settings → Calendar integration in the web app (issue 16 sections 1 and 2), against the real server
// and the Google fake (tests/fakes/google, reached by the server exactly as Google: only the base URLs
// differ): an account admin opens the Google Workspace tab, follows step 1 (the client id read from the
// chosen key file, the exact scopes with Copy buttons), saves before Google Admin granted the scopes and
// sees the failure with its remedy in English, then in French; once the delegation is granted, saves,
// connects ("Your calendar service is connected"), imports one room, links another to an existing
// convene room, leaves a third out, unlinks, and disconnects after a confirmation. A technician sees no
// calendar integration. Every page is axe-clean; the tabs go by keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, newPage, signedInPage, apiSession } from './harness.mjs';
import { axeCheck } from './axe.mjs';
import { startFakeGoogle } from '../fakes/google/fake-google.mjs';
import { startFakeGraph } from '../fakes/graph/fake-graph.mjs';
import { STRINGS } from './strings.mjs';

const PW = 'Admin-password-2024';
const TECH = { email: 'tech@example.org', display_name: 'Theo Tech', password: 'Tech-password-99' };
const SCOPES = ['https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly',
	'https://www.googleapis.com/auth/calendar'];
let fg, fgr, srv, br, admin, key;

async function ok(res, status = 200) {
	assert.equal(res.status, status, JSON.stringify(res.body));
	return res.body;
}

before(async () => {
	fg = await startFakeGoogle();
	// Microsoft 365: the app is registered, but no administrator has consented to its permissions yet
	fgr = await startFakeGraph({ consent: [] });
	srv = await startServer({ password: PW, env: { CONVENE_GOOGLE_TOKEN_URL: fg.tokenUrl, CONVENE_GOOGLE_API_URL: fg.apiUrl,
		CONVENE_MICROSOFT_LOGIN_URL: fgr.loginUrl, CONVENE_MICROSOFT_GRAPH_URL: fgr.graphUrl } });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	// Google's side: a service account with a key (not yet granted in Google Admin), the administrator
	// convene acts as, a building and three rooms
	key = await fg.ctl('POST', 'service_accounts', { project_id: 'convene-test' });
	await fg.ctl('POST', 'users', { email: 'it@example.com', admin: true });
	await fg.ctl('POST', 'users', { email: 'grace@example.com' });
	await fg.ctl('POST', 'buildings', { buildingId: 'hq', buildingName: 'Headquarters', floorNames: ['1', '2'] });
	await fg.ctl('POST', 'resources', { resourceName: 'Ada', capacity: 8, buildingId: 'hq', floorName: '2', features: ['Projector'] });
	await fg.ctl('POST', 'resources', { resourceName: 'Babbage', capacity: 4, buildingId: 'hq', floorName: '1' });
	await fg.ctl('POST', 'resources', { resourceName: 'Curie', capacity: 12 });
	await fgr.ctl('POST', 'rooms', { displayName: 'Hopper', emailAddress: 'hopper@contoso.onmicrosoft.com', capacity: 10, building: 'North', floorLabel: '3' });
	// convene's side: a room to link one of them to, and a technician
	await ok(await admin.call('POST', '/api/v1/rooms', { name: 'Lovelace', capacity: 6 }), 201);
	const cos = await ok(await admin.call('GET', '/api/v1/companies'));
	await ok(await admin.call('POST', '/api/v1/users', { ...TECH, role: 'technician', must_change_password: false, company_ids: [cos.items[0].id] }), 201);
}, { timeout: 90000 });

after(async () => {
	if (br) await br.close();
	if (srv) await srv.stop();
	if (fg) await fg.stop();
	if (fgr) await fgr.stop();
}, { timeout: 30000 });

// a UTC time `m` minutes from this minute, as Google writes it
const z = (m) => new Date(Math.floor(Date.now() / 60000) * 60000 + m * 60000).toISOString().replace('.000Z', 'Z');
const keyFile = () => ({ name: 'convene-test-key.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(key)) });
const en = (k) => STRINGS[k][0];
const fr = (k) => STRINGS[k][1];

test('calendar integration: step 1 with a failure translated, connect, manage rooms, disconnect', { timeout: 180000 }, async () => {
	const a = await signedInPage(br.browser, srv.url, srv.email, PW);
	await a.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
	await a.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
	// the settings' tabs go by keyboard: → opens the calendar integration, on Google Workspace
	await a.getByRole('tab', { name: 'Account settings' }).focus();
	await a.keyboard.press('ArrowRight');
	await a.waitForURL(/\/settings\/calendar$/);
	assert.equal(await a.evaluate(() => document.activeElement.textContent), 'Calendar integration');
	await a.getByRole('heading', { name: 'Calendar integration', level: 2 }).waitFor();
	const gtab = a.getByRole('tab', { name: 'Google Workspace' });
	assert.equal(await gtab.getAttribute('aria-selected'), 'true');
	// … and the providers' tabs too
	await gtab.focus();
	await a.keyboard.press('ArrowRight');
	await a.waitForURL(/\/settings\/calendar\/microsoft$/);
	await a.getByLabel('Directory (tenant) ID').waitFor();
	await a.getByRole('button', { name: 'Copy Calendars.ReadWrite' }).waitFor();
	await a.getByRole('button', { name: 'Copy Place.Read.All' }).waitFor();
	await axeCheck(a, 'calendar integration, Microsoft 365');
	await a.keyboard.press('ArrowRight');
	await a.waitForURL(/\/settings\/calendar\/exchange$/);
	await a.getByLabel('EWS address').waitFor();
	await axeCheck(a, 'calendar integration, Exchange Server');
	await a.keyboard.press('Home');
	await a.waitForURL(/\/settings\/calendar\/google$/);

	// not configured: step 2 waits for step 1; the exact scopes are offered to copy before any key
	const panel = a.getByRole('tabpanel').last();
	await panel.locator('.badge').getByText('not configured', { exact: true }).waitFor();
	assert.equal(await a.getByRole('button', { name: 'Connect', exact: true }).isDisabled(), true);
	const scopesCopy = a.getByRole('button', { name: 'Copy OAuth scopes' });
	assert.equal(await a.locator('#' + await scopesCopy.getAttribute('aria-describedby')).textContent(), SCOPES.join(','));
	await a.getByText(en('csClientIdLater')).waitFor();
	await axeCheck(a, 'calendar integration, Google, not configured');

	// step 1: the key file chosen shows its client id to paste in Google Admin
	await a.getByLabel('Service account key (JSON file)').setInputFiles(keyFile());
	const idCopy = a.getByRole('button', { name: 'Copy Client ID' });
	await idCopy.waitFor();
	assert.equal(await a.locator('#' + await idCopy.getAttribute('aria-describedby')).textContent(), key.client_id);
	await a.getByLabel('Google Workspace administrator’s e-mail').fill('it@example.com');
	// saved before Google Admin granted the scopes: the failure, with its remedy, next to the form
	await a.getByRole('button', { name: 'Save and check' }).click();
	const fail = a.locator('#s1-fail-google');
	await fail.waitFor({ timeout: 20000 });
	assert.equal(await fail.getAttribute('role'), 'alert');
	assert.equal((await fail.locator('p').textContent()).trim(), en('csErr_scopes_not_granted'));
	await fail.getByText(key.client_id).waitFor();
	for (const s of SCOPES) await fail.getByText(s, { exact: true }).waitFor();
	await axeCheck(a, 'calendar integration, step 1 refused');

	// the account in French: the connection's failure is told in French, from its code
	await ok(await admin.call('PATCH', '/api/v1/settings', { language: 'fr' }));
	await a.reload();
	await a.getByRole('heading', { name: 'Intégration d’agendas', level: 2 }).waitFor();
	await a.getByText(fr('csErr_scopes_not_granted')).first().waitFor();
	await a.getByRole('button', { name: 'Copier Champs d’application OAuth' }).waitFor();
	await axeCheck(a, 'calendar integration in French');
	await ok(await admin.call('PATCH', '/api/v1/settings', { language: 'en' }));
	await a.reload();
	await a.getByRole('heading', { name: 'Calendar integration', level: 2 }).waitFor();

	// Google Admin grants the scopes; saved again, step 1 is checked and done
	await fg.ctl('POST', 'delegation', { client_id: key.client_id, scopes: SCOPES });
	await a.getByLabel('Service account key (JSON file)').setInputFiles(keyFile());
	await a.getByLabel('Google Workspace administrator’s e-mail').fill('it@example.com');
	await a.getByRole('button', { name: 'Save and check' }).click();
	await a.getByText(en('csStep1Saved')).waitFor({ timeout: 20000 });
	await panel.locator('.badge').getByText('step 1 done: ready to connect', { exact: true }).waitFor();
	assert.equal(await a.locator('#s1-fail-google').count(), 0);

	// step 2: Connect lists the rooms, then says so
	await a.getByRole('button', { name: 'Connect', exact: true }).click();
	await a.getByText('Your calendar service is connected').waitFor({ timeout: 30000 });
	await panel.locator('.badge').getByText('connected', { exact: true }).waitFor();
	await a.getByText('Connected since').waitFor();
	await axeCheck(a, 'calendar integration, connected');
	const list = await ok(await admin.call('GET', '/api/v1/calendar-integrations'));
	const g = list.items.find((x) => x.provider === 'google');
	assert.equal(g.status, 'connected');
	assert.equal(g.step1.client_id, key.client_id);

	// Manage rooms: Ada imported as a new room, Babbage linked to Lovelace, Curie left out
	await a.getByRole('button', { name: 'Manage rooms' }).click();
	await a.waitForURL(/\/settings\/calendar\/google\/rooms$/);
	await a.getByRole('heading', { name: 'Manage rooms: Google Workspace', level: 2 }).waitFor();
	// a provider room's row, by its first cell (the other rooms' selects name convene rooms too)
	const row = (n) => a.locator('tbody tr').filter({ has: a.locator('td:first-child', { hasText: n }) });
	for (const n of ['Ada', 'Babbage', 'Curie']) await row(n).getByText('not linked yet', { exact: true }).waitFor();
	await row('Ada').getByText('8', { exact: true }).waitFor();
	await axeCheck(a, 'manage rooms');
	await a.getByRole('button', { name: 'Import as a new room: Ada' }).click();
	await row('Ada').getByText('linked', { exact: true }).waitFor();
	await row('Ada').getByRole('link', { name: 'Ada' }).waitFor();
	// a link without a room chosen is refused next to the row
	await a.getByRole('button', { name: 'Link Babbage' }).click();
	await row('Babbage').getByRole('alert').getByText(en('csPickRoom')).waitFor();
	await a.getByLabel('convene room for Babbage').selectOption({ label: 'Lovelace' });
	await a.getByRole('button', { name: 'Link Babbage' }).click();
	await row('Babbage').getByRole('link', { name: 'Lovelace' }).waitFor();
	await a.getByRole('button', { name: 'Leave out Curie' }).click();
	await row('Curie').getByText('left out', { exact: true }).waitFor();
	await axeCheck(a, 'manage rooms, linked');
	const rooms = await ok(await admin.call('GET', '/api/v1/rooms'));
	const ada = rooms.items.find((r) => r.name === 'Ada');
	assert.ok(ada, 'Ada was imported: ' + JSON.stringify(rooms.items.map((r) => r.name)));
	assert.equal(ada.capacity, 8);
	const lovelace = rooms.items.find((r) => r.name === 'Lovelace');
	const prov = await ok(await admin.call('GET', '/api/v1/calendar-integrations/google/rooms'));
	const byName = Object.fromEntries(prov.items.map((r) => [r.name, r]));
	assert.equal(byName.Ada.state, 'linked');
	assert.equal(byName.Ada.room_id, ada.id);
	assert.equal(byName.Babbage.room_id, lovelace.id);
	assert.equal(byName.Curie.state, 'ignored');

	// a meeting made at Google in a linked room appears live on that room's door display
	const disp = await ok(await admin.call('POST', `/api/v1/rooms/${ada.id}/displays`, { name: 'Door' }), 201);
	const door = await newPage(br.browser);
	await door.goto(`${srv.url}/display/${disp.token}`);
	await door.getByRole('heading', { name: 'Ada' }).waitFor();
	await door.locator('#door-state').filter({ hasText: 'Free' }).waitFor();
	await door.evaluate(() => { window.__sameDocument = true; });
	await fg.ctl('POST', `calendars/${encodeURIComponent(byName.Ada.provider_room_id)}/meetings`,
		{ organizer: 'grace@example.com', summary: 'Board meeting', start: { dateTime: z(-1) }, end: { dateTime: z(45) } });
	await door.locator('#door-state').filter({ hasText: 'Busy' }).waitFor({ timeout: 20000 });
	await door.locator('.door-subject').filter({ hasText: 'Board meeting' }).waitFor();
	assert.equal(await door.evaluate(() => window.__sameDocument), true, 'no reload');
	await door.context().close();

	// a room added at Google appears when the rooms are listed again
	await fg.ctl('POST', 'resources', { resourceName: 'Dijkstra', capacity: 2 });
	await a.getByRole('button', { name: 'List the rooms again' }).click();
	await row('Dijkstra').getByText('not linked yet', { exact: true }).waitFor({ timeout: 20000 });
	await row('Ada').getByText('linked', { exact: true }).waitFor();

	// Unlink asks first
	await a.getByRole('button', { name: 'Unlink Babbage' }).click();
	const dlg = a.getByRole('dialog');
	await dlg.getByText(/Unlink Babbage\?/).waitFor();
	await dlg.getByRole('button', { name: 'Unlink' }).click();
	await row('Babbage').getByText('not linked yet', { exact: true }).waitFor();

	// back to the connection: its counts, then Disconnect after a confirmation (cancelled once)
	await a.getByRole('link', { name: /Calendar integration: Google Workspace/ }).click();
	await a.getByText('Your calendar service is connected').waitFor();
	await a.getByRole('button', { name: 'Disconnect' }).click();
	await a.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
	assert.equal((await ok(await admin.call('GET', '/api/v1/calendar-integrations'))).items.find((x) => x.provider === 'google').status, 'connected');
	await a.getByRole('button', { name: 'Disconnect' }).click();
	await a.getByRole('dialog').getByText(/Disconnect Google Workspace\?/).waitFor();
	await a.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
	await panel.locator('.badge').getByText('not configured', { exact: true }).waitFor({ timeout: 20000 });
	const after = await ok(await admin.call('GET', '/api/v1/calendar-integrations'));
	assert.equal(after.items.find((x) => x.provider === 'google').status, 'not_configured');
	await axeCheck(a, 'calendar integration, disconnected');
	await a.context().close();
});

test('Microsoft 365: consent missing named with its link, then connected and disconnected', { timeout: 120000 }, async () => {
	const a = await signedInPage(br.browser, srv.url, srv.email, PW);
	await a.goto(srv.url + '/settings/calendar/microsoft');
	await a.getByRole('heading', { name: 'Microsoft 365 (Office 365 / Exchange Online)', level: 3 }).waitFor();
	// before step 1 is saved there is no consent link yet
	await a.getByText(en('csConsentLater')).waitFor();
	await a.getByLabel('Directory (tenant) ID').fill(fgr.tenantId);
	await a.getByLabel('Application (client) ID').fill(fgr.clientId);
	await a.getByLabel('Client secret (its value)').fill(fgr.clientSecret);
	await a.getByRole('button', { name: 'Save and check' }).click();
	const fail = a.locator('#s1-fail-microsoft');
	await fail.waitFor({ timeout: 20000 });
	assert.equal((await fail.locator('p').textContent()).trim(), en('csErr_consent_missing'));
	const consent = `${fgr.loginUrl}/${fgr.tenantId}/adminconsent?client_id=${fgr.clientId}`;
	assert.equal(await fail.getByRole('link').getAttribute('href'), consent);
	// step 1's consent link, opened in a new tab
	const link = a.getByRole('link', { name: 'Admin consent link (opens in a new tab)' });
	await link.waitFor();
	assert.equal(await link.getAttribute('href'), consent);
	assert.equal(await link.getAttribute('target'), '_blank');
	await a.getByRole('button', { name: 'Copy Calendars.ReadWrite' }).waitFor();
	await axeCheck(a, 'Microsoft 365, consent missing');
	// the administrator consents (in Entra); saved again, step 1 passes and step 2 connects
	await fgr.ctl('POST', 'consent', { roles: ['Calendars.ReadWrite', 'Place.Read.All'] });
	await a.getByRole('button', { name: 'Save and check' }).click();
	await a.getByText(en('csStep1Saved')).waitFor({ timeout: 20000 });
	await a.getByRole('button', { name: 'Connect', exact: true }).click();
	await a.getByText('Your calendar service is connected').waitFor({ timeout: 30000 });
	await a.getByRole('button', { name: 'Manage rooms' }).click();
	const hopper = a.locator('tbody tr').filter({ has: a.locator('td:first-child', { hasText: 'Hopper' }) });
	await hopper.getByText('North · 3').waitFor();
	await hopper.getByText('10', { exact: true }).waitFor();
	await axeCheck(a, 'Microsoft 365, manage rooms');
	await a.getByRole('link', { name: /Calendar integration: Microsoft 365/ }).click();
	await a.getByRole('button', { name: 'Disconnect' }).click();
	await a.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
	await a.getByRole('tabpanel').last().locator('.badge').getByText('not configured', { exact: true }).waitFor({ timeout: 20000 });
	await a.context().close();
});

test('Microsoft 365 with a certificate: the PEM file chosen, a certificate Microsoft does not know named with its thumbprint', { timeout: 120000 }, async () => {
	const dir = mkdtempSync(join(tmpdir(), 'convene-cert-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '30', '-subj', '/CN=convene-browser'], { cwd: dir, stdio: 'ignore' });
	const pem = readFileSync(join(dir, 'c.pem'), 'utf8') + readFileSync(join(dir, 'k.pem'), 'utf8');
	rmSync(dir, { recursive: true, force: true });
	const a = await signedInPage(br.browser, srv.url, srv.email, PW);
	await a.goto(srv.url + '/settings/calendar/microsoft');
	await a.getByRole('heading', { name: 'Microsoft 365 (Office 365 / Exchange Online)', level: 3 }).waitFor();
	await a.getByLabel('Directory (tenant) ID').fill(fgr.tenantId);
	await a.getByLabel('Application (client) ID').fill(fgr.clientId);
	await a.getByRole('radio', { name: en('csCredCertificate') }).check();
	assert.equal(await a.getByLabel('Client secret (its value)').count(), 0);
	await a.getByLabel(en('csPemFile')).setInputFiles({ name: 'convene.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(pem) });
	await a.getByRole('button', { name: 'Save and check' }).click();
	const fail = a.locator('#s1-fail-microsoft');
	await fail.waitFor({ timeout: 20000 });
	assert.equal((await fail.locator('p').first().textContent()).trim(), en('csErr_certificate_invalid'));
	await fail.getByText(en('csParam_thumbprint')).waitFor();
	const body = await ok(await admin.call('GET', '/api/v1/calendar-integrations'));
	const ms = body.items.find((x) => x.provider === 'microsoft');
	assert.equal(ms.error_code, 'certificate_invalid');
	assert.equal(ms.step1.credential, 'certificate');
	assert.match(ms.step1.certificate_thumbprint, /^[0-9A-F]{40}$/);
	assert.ok(!JSON.stringify(body).includes('PRIVATE KEY'));
	await fail.getByText(ms.step1.certificate_thumbprint).waitFor();
	await axeCheck(a, 'Microsoft 365, certificate refused');
	await a.context().close();
});

test('a technician sees no calendar integration', { timeout: 60000 }, async () => {
	const p = await signedInPage(br.browser, srv.url, TECH.email, TECH.password);
	await p.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
	await p.getByRole('heading', { name: 'Account level', level: 2 }).waitFor();
	assert.equal(await p.getByRole('tab').count(), 0);
	await p.goto(srv.url + '/settings/calendar/google');
	await p.getByText('Only account administrators manage the calendar integration.').waitFor();
	assert.equal(await p.getByRole('button', { name: 'Save and check' }).count(), 0);
	// and the API agrees
	const tech = await apiSession(srv.url, TECH.email, TECH.password);
	assert.equal((await tech.call('GET', '/api/v1/calendar-integrations')).status, 403);
	await p.context().close();
});
