// Browser test: an administrator adds a technician to a team and a user to a company through
// the search field, removes them with the row's button (checked through the API each time), and
// removing a user's last company shows the server's 409 detail next to that row; technicians
// see the member lists without the search or the Remove buttons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
let srv, br, admin, cid, acme, team, tech, mia;
before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
	const a = await admin.call('POST', '/api/v1/companies', { name: 'Acme' });
	assert.equal(a.status, 201, JSON.stringify(a.body)); acme = a.body.id;
	const tm = await admin.call('POST', '/api/v1/teams', { name: 'Support', parent_id: null });
	assert.equal(tm.status, 201, JSON.stringify(tm.body)); team = tm.body.id;
	const t1 = await admin.call('POST', '/api/v1/users', { email: 'theo@example.org', display_name: 'Theo Tech', role: 'technician',
		password: 'Tech-password-99', must_change_password: false, company_ids: [cid] });
	assert.equal(t1.status, 201, JSON.stringify(t1.body)); tech = t1.body.id;
	const m = await admin.call('POST', '/api/v1/users', { email: 'mia@example.org', display_name: 'Mia Member', role: 'member', company_ids: [cid] });
	assert.equal(m.status, 201, JSON.stringify(m.body)); mia = m.body.id;
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

const ids = async (path) => (await admin.call('GET', path)).body.items.map((u) => u.id);

test('add and remove a team member', { timeout: 60000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.getByRole('navigation').getByRole('link', { name: 'Teams' }).click();
	await page.getByRole('button', { name: 'Support' }).click();
	await page.getByRole('heading', { name: 'Members' }).waitFor();

	// only technicians are offered: a member is not found
	const find = page.getByLabel('Find a technician to add');
	await find.fill('mia');
	await page.getByText('No matching user.').waitFor();

	// search by keyboard, add with the button
	await find.fill('theo');
	await find.press('Enter');
	await page.getByRole('button', { name: 'Add Theo Tech' }).click();
	await page.getByRole('status').filter({ hasText: 'Added: Theo Tech' }).waitFor();
	await page.getByRole('button', { name: 'Remove Theo Tech' }).waitFor();
	assert.deepEqual(await ids(`/api/v1/teams/${team}/members`), [tech]);
	await page.getByText('1 members').waitFor(); // the tree's count follows

	await page.getByRole('button', { name: 'Remove Theo Tech' }).click();
	await page.getByText('0 members').waitFor();
	assert.equal(await page.getByRole('button', { name: 'Remove Theo Tech' }).count(), 0);
	assert.deepEqual(await ids(`/api/v1/teams/${team}/members`), []);
	await page.context().close();
});

test('add and remove a company member; the last company cannot be removed', { timeout: 60000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/companies/' + acme);
	await page.getByRole('heading', { name: 'Acme' }).waitFor();
	const members = page.locator('section', { has: page.getByRole('heading', { name: 'Members' }) });
	await members.getByLabel('Find a user to add').fill('mia@');
	await members.getByRole('button', { name: 'Add Mia Member' }).click();
	await members.getByRole('button', { name: 'Remove Mia Member' }).waitFor();
	assert.ok((await ids(`/api/v1/companies/${acme}/members`)).includes(mia));

	// out of the default company: fine, she still has Acme
	await page.goto(srv.url + '/companies/' + cid);
	await members.getByRole('button', { name: 'Remove Mia Member' }).click();
	await members.getByRole('link', { name: 'Mia Member' }).waitFor({ state: 'detached' });
	assert.ok(!(await ids(`/api/v1/companies/${cid}/members`)).includes(mia));

	// out of Acme, her last company: the server's detail is shown under her row
	await page.goto(srv.url + '/companies/' + acme);
	const rm = members.getByRole('button', { name: 'Remove Mia Member' });
	await rm.click();
	const err = members.getByRole('listitem').filter({ hasText: 'Mia Member' }).getByRole('alert');
	await err.waitFor();
	assert.match(await err.textContent(), /only company/);
	assert.equal(await rm.getAttribute('aria-describedby'), await err.getAttribute('id'));
	assert.deepEqual((await admin.call('GET', '/api/v1/users/' + mia)).body.company_ids, [acme]);
	await page.context().close();
});

test('technicians see members without the controls', { timeout: 60000 }, async () => {
	assert.equal((await admin.call('PUT', `/api/v1/teams/${team}/members/${tech}`)).status, 204);
	const page = await signedInPage(br.browser, srv.url, 'theo@example.org', 'Tech-password-99');
	await page.getByRole('navigation').getByRole('link', { name: 'Teams' }).click();
	await page.getByRole('button', { name: 'Support' }).click();
	await page.locator('main').getByRole('link', { name: 'Theo Tech' }).waitFor();
	assert.equal(await page.getByLabel('Find a technician to add').count(), 0);
	assert.equal(await page.getByRole('button', { name: /^Remove/ }).count(), 0);
	await page.goto(srv.url + '/companies/' + cid);
	await page.locator('main').getByRole('link', { name: 'Theo Tech' }).waitFor();
	assert.equal(await page.getByLabel('Find a user to add').count(), 0);
	assert.equal(await page.locator('main button').count(), 0);
	await page.context().close();
});
