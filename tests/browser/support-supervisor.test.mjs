// Browser test of the supervisor view (issue 17) with three browser contexts: a customer chats on
// the portal with a technician in the console, and a manager holding supervisor_view over the
// technician's team opens "Team chats", watches the chat and sees both sides' messages arrive
// live, without a box to write in; the server refuses a watcher's writes (watching-only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, apiSession, signedInPage, run } from './harness.mjs';
import { axeCheck } from './axe.mjs';

const PW = 'Admin-password-2024';
const TECH_PW = 'Tech-password-2024';
const BOSS_PW = 'Boss-password-2024';
const ALWAYS = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));
let srv, br, admin;

const ok = async (r, status = 200) => { assert.equal(r.status, status, JSON.stringify(r.body)); return r.body; };

before(async () => {
	srv = await startServer({ password: PW });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const company = await ok(await admin.call('POST', '/api/v1/companies', { name: 'Watched Ltd' }), 201);
	await ok(await admin.call('PUT', `/api/v1/companies/${company.id}/settings/business_hours`, { value: ALWAYS }));
	const team = await ok(await admin.call('POST', '/api/v1/teams', { name: 'Front line' }), 201);
	await ok(await admin.call('PUT', `/api/v1/teams/${team.id}/rights`, { rights: ['supervisor_view'] }));
	const tech = await ok(await admin.call('POST', '/api/v1/users', {
		email: 'tom@example.org', display_name: 'Tom Tech', role: 'technician', password: TECH_PW,
		must_change_password: false, company_ids: [company.id],
	}), 201);
	await ok(await admin.call('PUT', `/api/v1/teams/${team.id}/members/${tech.id}`), 204);
	const hq = await ok(await admin.call('POST', '/api/v1/companies', { name: 'Head office' }), 201);
	const boss = await ok(await admin.call('POST', '/api/v1/users', {
		email: 'sue@example.org', display_name: 'Sue Supervisor', role: 'manager', password: BOSS_PW,
		must_change_password: false, company_ids: [hq.id],
	}), 201); // not of the company: she supervises its chats without serving its portal
	await ok(await admin.call('PUT', `/api/v1/managers/${boss.id}/rights`, { rights: ['supervisor_view'] }));
	await ok(await admin.call('PUT', `/api/v1/managers/${boss.id}/teams`, { team_ids: [team.id] }));
	const me = await ok(await admin.call('GET', '/api/v1/me'));
	await run(['account', 'seats', '--data', srv.data, '--account', me.account.id, '--module', 'remote_support', '--count', '5']);
	await ok(await admin.call('PATCH', `/api/v1/users/${tech.id}`, { modules: ['remote_support'] }));
	const portal = (await ok(await admin.call('GET', `/api/v1/portals?company_id=${company.id}`))).items.find((p) => !p.parent_id);
	await ok(await admin.call('PATCH', `/api/v1/portals/${portal.id}`, { team_ids: [team.id], slug: 'watched' }));
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('a supervisor watches a live chat read-only', { timeout: 120000 }, async () => {
	const console = await signedInPage(br.browser, srv.url, 'tom@example.org', TECH_PW);
	await console.goto(srv.url + '/support');
	await console.getByRole('button', { name: 'Go online' }).click();
	await console.getByText('online', { exact: true }).waitFor();

	const customer = await newPage(br.browser);
	await customer.goto(srv.url + '/portal/watched');
	await customer.getByRole('heading', { name: 'Chat with a technician' }).waitFor();
	await customer.getByLabel('Your name').fill('Wanda Customer');
	await customer.getByLabel('Your e-mail address').fill('wanda@example.net');
	await customer.getByLabel('Your question').fill('The projector in room 4 shows no picture.');
	await customer.getByRole('button', { name: 'Start the chat' }).click();
	await console.getByRole('button', { name: 'Pick up Wanda Customer' }).click();
	const pane = console.getByRole('article', { name: 'Chat with Wanda Customer' });
	await pane.getByLabel('Your answer').fill('Is the cable plugged in?');
	await pane.getByRole('button', { name: 'Send' }).click();
	await customer.getByText('Is the cable plugged in?').waitFor();

	// the supervisor's console lands on the support console; Team chats lists the live chat
	const boss = await signedInPage(br.browser, srv.url, 'sue@example.org', BOSS_PW, { heading: 'Support console' });
	await boss.getByRole('button', { name: 'Team chats' }).click();
	await boss.getByRole('button', { name: 'Watch the chat with Wanda Customer' }).click();
	const watched = boss.getByRole('article', { name: 'Chat with Wanda Customer' });
	await watched.getByText('The projector in room 4 shows no picture.').waitFor();
	await watched.getByText('Is the cable plugged in?').waitFor();
	await watched.getByText('Watching: read-only').waitFor();
	assert.equal(await watched.getByRole('textbox').count(), 0, 'no box to write in');
	assert.equal(await watched.getByRole('button', { name: 'Send' }).count(), 0);

	// live, both ways
	await customer.getByLabel('Your message').fill('Yes, it is.');
	await customer.getByRole('button', { name: 'Send' }).click();
	await watched.getByText('Yes, it is.').waitFor();
	await pane.getByLabel('Your answer').fill('Then I am coming over.');
	await pane.getByRole('button', { name: 'Send' }).click();
	await watched.getByText('Then I am coming over.').waitFor();
	await axeCheck(boss, 'support console, a supervisor watching');

	// the server keeps the watcher out of the conversation
	const id = await boss.evaluate(async () => {
		const r = await fetch('/api/v1/support/sessions?state=active');
		return (await r.json()).items[0].id;
	});
	const sue = await apiSession(srv.url, 'sue@example.org', BOSS_PW);
	const w = await sue.call('POST', `/api/v1/support/sessions/${id}/messages`, { text: 'Hi from the boss' });
	assert.equal(w.status, 403, JSON.stringify(w.body));
	assert.equal(w.body.type, '/problems/watching-only');
	assert.equal(await customer.getByText('Hi from the boss').count(), 0);
	for (const p of [console, customer, boss]) await p.context().close();
});
