// Browser test of offline requests answered by e-mail (issue 17): while nobody is online the
// customer leaves a request on the portal; the technician answers it from the console; the mail
// (caught by the SMTP sink) holds the answer and a link that opens the conversation on the
// portal in another browser; the customer replies there and the technician sees it live; the
// customer has the transcript mailed (without the private note); the link works only once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, apiSession, signedInPage, run } from './harness.mjs';
import { startSmtpSink } from './smtp-sink.mjs';
import { axeCheck } from './axe.mjs';

const PW = 'Admin-password-2024';
const TECH_PW = 'Tech-password-2024';
const ALWAYS = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open: '00:00', close: '24:00' }]]));
let sink, srv, br;

const ok = async (r, status = 200) => { assert.equal(r.status, status, JSON.stringify(r.body)); return r.body; };

before(async () => {
	sink = await startSmtpSink();
	srv = await startServer({ password: PW, smtp: sink.url });
	br = await launch();
	const admin = await apiSession(srv.url, srv.email, PW);
	const company = await ok(await admin.call('POST', '/api/v1/companies', { name: 'Acme Support' }), 201);
	await ok(await admin.call('PUT', `/api/v1/companies/${company.id}/settings/business_hours`, { value: ALWAYS }));
	const team = await ok(await admin.call('POST', '/api/v1/teams', { name: 'Helpdesk' }), 201);
	const tech = await ok(await admin.call('POST', '/api/v1/users', {
		email: 'tess@example.org', display_name: 'Tess Tech', role: 'technician', password: TECH_PW,
		must_change_password: false, company_ids: [company.id],
	}), 201);
	await ok(await admin.call('PUT', `/api/v1/teams/${team.id}/members/${tech.id}`), 204);
	const me = await ok(await admin.call('GET', '/api/v1/me'));
	await run(['account', 'seats', '--data', srv.data, '--account', me.account.id, '--module', 'remote_support', '--count', '5']);
	await ok(await admin.call('PATCH', `/api/v1/users/${tech.id}`, { modules: ['remote_support'] }));
	const list = await ok(await admin.call('GET', `/api/v1/portals?company_id=${company.id}`));
	const portal = list.items.find((p) => !p.parent_id);
	await ok(await admin.call('PATCH', `/api/v1/portals/${portal.id}`, {
		team_ids: [team.id], offline_policy: 'offline_form', slug: 'acme-help', title: 'Acme help desk',
	}));
}, { timeout: 60000 });
after(async () => {
	if (br) await br.close();
	if (srv) await srv.stop();
	if (sink) await sink.stop();
}, { timeout: 30000 });

test('an offline request answered by e-mail and continued on the portal', { timeout: 180000 }, async () => {
	// nobody is online: the customer leaves a request
	const customer = await newPage(br.browser);
	await customer.goto(srv.url + '/portal/acme-help');
	await customer.getByRole('heading', { name: 'Leave us a message' }).waitFor();
	await customer.getByLabel('Your name').fill('Carla Customer');
	await customer.getByLabel('Your e-mail address').fill('carla@example.net');
	await customer.getByLabel('Your question').fill('The printer on floor 2 is jammed.');
	await customer.getByRole('button', { name: 'Send the request' }).click();
	await customer.getByText('Your request was received.', { exact: false }).waitFor();
	await customer.context().close();

	// the technician (not online) answers it from the console
	const console = await signedInPage(br.browser, srv.url, 'tess@example.org', TECH_PW);
	await console.goto(srv.url + '/support');
	await console.getByRole('heading', { name: /Offline requests \(1\)/ }).waitFor();
	await console.getByText('awaiting an answer').waitFor();
	await console.getByRole('button', { name: 'Pick up Carla Customer' }).click();
	const pane = console.getByRole('article', { name: 'Chat with Carla Customer' });
	await pane.getByText('The printer on floor 2 is jammed.').first().waitFor();
	await pane.getByLabel('Private note (the customer does not see it)').check();
	await pane.getByLabel('Private note', { exact: true }).fill('Roller worn out.');
	await pane.getByRole('button', { name: 'Add the note' }).click();
	await pane.getByText('Roller worn out.').waitFor();
	await pane.getByLabel('Private note (the customer does not see it)').uncheck();
	await pane.getByLabel('Your answer').fill('Open tray 2 and pull the green lever.');
	await pane.getByRole('button', { name: 'Send' }).click();
	await console.getByText('answered by e-mail').waitFor();

	// the mail: the answer and the link back
	const [mail] = await sink.waitFor('carla@example.net');
	assert.match(mail.text, /Open tray 2 and pull the green lever\./);
	assert.doesNotMatch(mail.text, /Roller worn out/);
	const link = (mail.text.match(/http:\/\/\S+\/portal\/acme-help\?link=[A-Za-z0-9_-]+/) || [])[0];
	assert.ok(link, mail.text);

	// the link opens the conversation in another browser; the customer replies
	const back = await newPage(br.browser);
	await back.goto(link);
	await back.getByRole('heading', { name: 'Your conversation' }).waitFor();
	await back.getByText('Open tray 2 and pull the green lever.').waitFor();
	await back.getByText('A technician answered your request', { exact: false }).waitFor();
	assert.equal(await back.getByText('Roller worn out.').count(), 0);
	assert.ok(!back.url().includes('link='), back.url());
	await axeCheck(back, 'portal, conversation from a mailed link');
	await back.getByLabel('Your message').fill('That fixed it, thank you!');
	await back.getByRole('button', { name: 'Send', exact: true }).click();
	await pane.getByText('That fixed it, thank you!').waitFor();
	await console.getByText('awaiting an answer').waitFor();

	// the transcript by mail: the conversation, never the note
	await back.getByRole('button', { name: 'E-mail me this conversation' }).click();
	await back.getByText('The conversation is on its way to your e-mail address.').waitFor();
	const mails = await sink.waitFor('carla@example.net', { count: 2 });
	const transcript = mails[1].text;
	assert.match(transcript, /The printer on floor 2 is jammed\./);
	assert.match(transcript, /That fixed it, thank you!/);
	assert.doesNotMatch(transcript, /Roller worn out/);

	// the link works once
	const again = await newPage(br.browser);
	await again.goto(link);
	await again.getByRole('alert').getByText('This link was already used', { exact: false }).waitFor();
	await axeCheck(again, 'portal, used link');
	await again.getByRole('button', { name: 'Ask another question' }).click();
	await again.getByRole('heading', { name: 'Leave us a message' }).waitFor();
	await again.context().close();
	await back.context().close();
	await console.context().close();
});
