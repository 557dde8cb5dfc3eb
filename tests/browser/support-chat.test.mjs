// Browser tests of customer support (issue 17) with two browser contexts: a customer on the
// company's portal and a technician in the support console. The portal switches live between
// the offline form and the chat as the technician comes and goes, keeping what was typed; the
// customer and the technician chat live both ways; the portal says support is closed when its
// policy is to hide; both pages are accessible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, apiSession, signedInPage, run } from './harness.mjs';
import { axeCheck } from './axe.mjs';

const PW = 'Admin-password-2024';
const TECH_PW = 'Tech-password-2024';
const ALWAYS = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));
let srv, br, admin, company, portal, tech;

const ok = async (r, status = 200) => { assert.equal(r.status, status, JSON.stringify(r.body)); return r.body; };

before(async () => {
	srv = await startServer({ password: PW });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	company = await ok(await admin.call('POST', '/api/v1/companies', { name: 'Acme Support' }), 201);
	// open around the clock, so that the test does not depend on when it runs
	await ok(await admin.call('PUT', `/api/v1/companies/${company.id}/settings/business_hours`, { value: ALWAYS }));
	const team = await ok(await admin.call('POST', '/api/v1/teams', { name: 'Helpdesk' }), 201);
	tech = await ok(await admin.call('POST', '/api/v1/users', {
		email: 'tess@example.org', display_name: 'Tess Tech', role: 'technician', password: TECH_PW,
		must_change_password: false, company_ids: [company.id],
	}), 201);
	await ok(await admin.call('PUT', `/api/v1/teams/${team.id}/members/${tech.id}`), 204);
	const me = await ok(await admin.call('GET', '/api/v1/me'));
	await run(['account', 'seats', '--data', srv.data, '--account', me.account.id, '--module', 'remote_support', '--count', '5']);
	await ok(await admin.call('PATCH', `/api/v1/users/${tech.id}`, { modules: ['remote_support'] }));
	const list = await ok(await admin.call('GET', `/api/v1/portals?company_id=${company.id}`));
	portal = list.items.find((p) => !p.parent_id);
	portal = await ok(await admin.call('PATCH', `/api/v1/portals/${portal.id}`, {
		team_ids: [team.id], offline_policy: 'offline_form', slug: 'acme-help', title: 'Acme help desk', welcome: 'We fix things.',
	}));
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('the portal switches between offline form and chat as the technician comes and goes, keeping the typed text; then they chat', { timeout: 120000 }, async () => {
	const customer = await newPage(br.browser);
	await customer.goto(srv.url + '/portal/acme-help');
	await customer.getByRole('heading', { level: 1, name: 'Acme help desk' }).waitFor();
	await customer.getByText('We fix things.').waitFor();
	await customer.getByRole('heading', { name: 'Leave us a message' }).waitFor();
	await customer.getByLabel('Your name').fill('Carla Customer');
	await customer.getByLabel('Your e-mail address').fill('carla@example.net');
	await customer.getByLabel('Your question').fill('The printer on floor 2 is jammed.');
	await axeCheck(customer, 'portal, offline form');

	const console = await signedInPage(br.browser, srv.url, 'tess@example.org', TECH_PW);
	await console.goto(srv.url + '/support');
	await console.getByRole('heading', { level: 1, name: 'Support console' }).waitFor();
	await console.getByRole('button', { name: 'Go online' }).click();
	await console.getByText('online', { exact: true }).waitFor();

	// live: the portal opens, and what was typed is still there
	await customer.getByRole('heading', { name: 'Chat with a technician' }).waitFor();
	assert.equal(await customer.getByLabel('Your name').inputValue(), 'Carla Customer');
	assert.equal(await customer.getByLabel('Your question').inputValue(), 'The printer on floor 2 is jammed.');
	await customer.getByRole('button', { name: 'Start the chat' }).click();
	await customer.getByText('You are number 1 in line.').waitFor();

	await console.getByRole('button', { name: 'Pick up Carla Customer' }).click();
	const pane = console.getByRole('article', { name: 'Chat with Carla Customer' });
	await pane.getByText('The printer on floor 2 is jammed.').first().waitFor();
	await customer.getByText('You are chatting with Tess Tech.').waitFor();

	await pane.getByLabel('Your answer').fill('Hello Carla, I am on it.');
	await pane.getByRole('button', { name: 'Send' }).click();
	await customer.getByText('Hello Carla, I am on it.').waitFor();
	await customer.getByLabel('Your message').fill('Thank you!');
	await customer.getByRole('button', { name: 'Send' }).click();
	await pane.getByText('Thank you!').waitFor();

	// a private note stays with the technicians
	await pane.getByLabel('Private note (the customer does not see it)').check();
	await pane.getByLabel('Private note', { exact: true }).fill('Needs a new roller.');
	await pane.getByRole('button', { name: 'Add the note' }).click();
	await pane.getByText('Needs a new roller.').waitFor();
	await customer.getByText('Thank you!').waitFor();
	assert.equal(await customer.getByText('Needs a new roller.').count(), 0);
	await axeCheck(console, 'support console with a chat');
	await axeCheck(customer, 'portal, chat');

	// the reload comes back to the same conversation, without repeating a message
	await customer.reload();
	await customer.getByText('Hello Carla, I am on it.').waitFor();
	assert.equal(await customer.getByText('Thank you!').count(), 1);

	await pane.getByRole('button', { name: 'Close the conversation' }).click();
	await customer.getByRole('status').getByText('The conversation has ended.').waitFor();
	await customer.getByRole('log').getByText('The technician ended the conversation.').waitFor();

	// the technician leaves: the portal falls back to the offline form
	await console.getByRole('button', { name: 'Go offline' }).click();
	await customer.getByRole('button', { name: 'Ask another question' }).click();
	await customer.getByRole('heading', { name: 'Leave us a message' }).waitFor();
	await customer.context().close();
	await console.context().close();
});

test('a portal whose policy is to hide says support is closed and shows the business hours', { timeout: 60000 }, async () => {
	await ok(await admin.call('PATCH', `/api/v1/portals/${portal.id}`, { offline_policy: 'hide', offline_message: 'Back on Monday.' }));
	const page = await newPage(br.browser);
	await page.goto(srv.url + '/portal/acme-help');
	await page.getByRole('heading', { name: 'Acme help desk' }).waitFor();
	await page.getByRole('heading', { name: 'Support is closed right now' }).waitFor();
	await page.getByText('Back on Monday.').waitFor();
	await page.getByRole('table', { name: /Business hours/ }).waitFor();
	assert.equal(await page.getByLabel('Your question').count(), 0);
	await axeCheck(page, 'portal, closed');
	await page.context().close();
	await ok(await admin.call('PATCH', `/api/v1/portals/${portal.id}`, { offline_policy: 'offline_form' }));
});
