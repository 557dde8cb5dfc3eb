// Browser test of a company's portal settings in the admin center (PortalPanel.jsx on the company
// page): the admin sees the portal's address, changes its title, address, policy and serving team,
// adds a sub-portal, and the customer's page shows the change; a taken address is refused next to
// its field; the panel is accessible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, apiSession, signedInPage } from './harness.mjs';
import { axeCheck } from './axe.mjs';

const PW = 'Admin-password-2024';
let srv, br, admin;

before(async () => { srv = await startServer({ password: PW }); br = await launch(); admin = await apiSession(srv.url, srv.email, PW); }, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('an admin changes a company’s portal and adds a sub-portal; the customer’s page follows', { timeout: 90000 }, async () => {
	const co = (await admin.call('POST', '/api/v1/companies', { name: 'Globex' })).body;
	await admin.call('POST', '/api/v1/companies', { name: 'Initech' }); // its portal has the address initech
	await admin.call('POST', '/api/v1/teams', { name: 'First line' });
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/companies/' + co.id);
	const panel = page.getByRole('region', { name: 'Support portal' });
	await panel.getByRole('link', { name: srv.url + '/portal/globex' }).waitFor();
	const form = panel.getByRole('form', { name: 'Portal settings' });
	await form.getByLabel('Title').fill('Globex help');
	await form.getByLabel('Welcome text').fill('Tell us what broke.');
	await form.getByLabel('When nobody is available').selectOption('hide');
	await form.getByLabel('First line').check();
	await form.getByLabel('Address name').fill('initech');
	await form.getByRole('button', { name: 'Save' }).click();
	await form.getByText('this address is taken').waitFor();
	await form.getByLabel('Address name').fill('globex-help');
	await form.getByRole('button', { name: 'Save' }).click();
	await panel.getByRole('link', { name: srv.url + '/portal/globex-help' }).waitFor();

	await panel.getByRole('form', { name: 'Add a sub-portal' }).getByLabel('Title').fill('Globex billing');
	await panel.getByRole('button', { name: 'Add a sub-portal' }).click();
	await panel.getByRole('link', { name: 'Globex billing' }).waitFor();
	await axeCheck(page, 'company page with its portal');

	const customer = await newPage(br.browser);
	await customer.goto(srv.url + '/portal/globex');
	await customer.getByRole('heading', { level: 1, name: 'Globex help' }).waitFor(); // the old address leads there
	assert.match(customer.url(), /\/portal\/globex-help$/);
	await customer.getByText('Tell us what broke.').waitFor();
	await customer.getByRole('heading', { name: 'Support is closed right now' }).waitFor();
	await customer.getByRole('link', { name: 'Globex billing' }).waitFor();
	await customer.context().close();
	await page.context().close();
});
