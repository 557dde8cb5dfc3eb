// Browser test of the managers' "Business hours" page (issue 17): a manager holding
// manage_business_hours, enabled by a team they manage that serves a company's portal, sees that
// company (and not another company of theirs that no team of theirs serves), changes its hours
// with the admin center's weekday editor (the API then answers them), gets a server refusal at
// the day concerned, and goes back to the account's hours; a manager without the right is told
// what it takes. Both pages are checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, apiSession, signedInPage } from './harness.mjs';
import { axeCheck } from './axe.mjs';

const PW = 'Admin-password-2024';
const BOSS_PW = 'Boss-password-2024';
let srv, br, admin, served;

const ok = async (r, status = 200) => { assert.equal(r.status, status, JSON.stringify(r.body)); return r.body; };

async function hours(company) {
	const s = await ok(await admin.call('GET', `/api/v1/companies/${company}/settings`));
	return s.items.find((x) => x.name === 'business_hours');
}

async function manager(email, name, companies) {
	return ok(await admin.call('POST', '/api/v1/users', {
		email, display_name: name, role: 'manager', password: BOSS_PW, must_change_password: false, company_ids: companies,
	}), 201);
}

before(async () => {
	srv = await startServer({ password: PW });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	served = await ok(await admin.call('POST', '/api/v1/companies', { name: 'Served Ltd' }), 201);
	const other = await ok(await admin.call('POST', '/api/v1/companies', { name: 'Unserved Ltd' }), 201);
	const team = await ok(await admin.call('POST', '/api/v1/teams', { name: 'Front desk' }), 201);
	await ok(await admin.call('PUT', `/api/v1/teams/${team.id}/rights`, { rights: ['manage_business_hours'] }));
	const portal = (await ok(await admin.call('GET', `/api/v1/portals?company_id=${served.id}`))).items.find((p) => !p.parent_id);
	await ok(await admin.call('PATCH', `/api/v1/portals/${portal.id}`, { team_ids: [team.id] }));
	const boss = await manager('hana@example.org', 'Hana Hours', [served.id, other.id]);
	await ok(await admin.call('PUT', `/api/v1/managers/${boss.id}/rights`, { rights: ['manage_business_hours'] }));
	await ok(await admin.call('PUT', `/api/v1/managers/${boss.id}/teams`, { team_ids: [team.id] }));
	// same companies and team, without the right
	const plain = await manager('pete@example.org', 'Pete Plain', [served.id, other.id]);
	await ok(await admin.call('PUT', `/api/v1/managers/${plain.id}/teams`, { team_ids: [team.id] }));
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

test('a manager changes the hours of a company their team serves', { timeout: 90000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, 'hana@example.org', BOSS_PW, { heading: 'Support console' });
	await page.getByRole('navigation').getByRole('link', { name: 'Business hours' }).click();
	await page.getByRole('heading', { name: 'Business hours', level: 1 }).waitFor();
	const form = page.locator('form', { has: page.locator('legend', { hasText: 'Served Ltd' }) });
	await form.getByRole('group', { name: 'Monday' }).waitFor();
	assert.equal(await page.getByText('Unserved Ltd').count(), 0, 'a company no team of hers serves is not offered');
	await form.getByText('This company uses the account’s hours.').waitFor();
	assert.equal(await form.getByRole('button', { name: 'Use the account’s hours' }).count(), 0);
	await axeCheck(page, 'the business hours page');

	// Saturday 10:00-14:00, Sunday closed
	const sat = form.getByRole('group', { name: 'Saturday' });
	if (!(await sat.getByRole('checkbox', { name: 'Open' }).isChecked())) await sat.getByRole('checkbox', { name: 'Open' }).check();
	await sat.getByRole('textbox', { name: 'From' }).fill('10:00');
	await sat.getByRole('textbox', { name: 'To' }).fill('14:00');
	const sun = form.getByRole('group', { name: 'Sunday' });
	if (await sun.getByRole('checkbox', { name: 'Open' }).isChecked()) await sun.getByRole('checkbox', { name: 'Open' }).uncheck();

	// a server refusal is shown at its day, and nothing is changed
	const tue = form.getByRole('group', { name: 'Tuesday' });
	if (!(await tue.getByRole('checkbox', { name: 'Open' }).isChecked())) await tue.getByRole('checkbox', { name: 'Open' }).check();
	await tue.getByRole('textbox', { name: 'From' }).fill('18:00');
	await tue.getByRole('textbox', { name: 'To' }).fill('08:00');
	await form.getByRole('button', { name: 'Save' }).click();
	await tue.getByRole('alert').filter({ hasText: 'open must be before close' }).waitFor();
	assert.notEqual((await hours(served.id)).source, 'company');

	await tue.getByRole('textbox', { name: 'From' }).fill('08:00');
	await tue.getByRole('textbox', { name: 'To' }).fill('18:00');
	await form.getByRole('button', { name: 'Save' }).click();
	await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
	await form.getByText('This company has its own hours.').waitFor();
	const now = await hours(served.id);
	assert.equal(now.source, 'company');
	assert.deepEqual(now.value.sat, [{ open: '10:00', close: '14:00' }]);
	assert.deepEqual(now.value.sun, []);
	assert.deepEqual(now.value.tue, [{ open: '08:00', close: '18:00' }]);
	await axeCheck(page, 'the business hours page after a save');

	// back to the account's hours
	await form.getByRole('button', { name: 'Use the account’s hours' }).click();
	await form.getByRole('status').filter({ hasText: 'The company now uses the account’s hours.' }).waitFor();
	await form.getByText('This company uses the account’s hours.').waitFor();
	assert.notEqual((await hours(served.id)).source, 'company');
	await page.context().close();
});

test('a manager without the right is told what it takes', { timeout: 60000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, 'pete@example.org', BOSS_PW, { heading: 'Support console' });
	await page.goto(srv.url + '/hours');
	await page.getByText('It takes the right “Manage business hours”').waitFor();
	assert.equal(await page.locator('form').count(), 0);
	await axeCheck(page, 'the empty business hours page');
	await page.context().close();
});
