// Browser test of modules and seats in the admin center (web/src/admin/Users.jsx): the Users page
// shows each module's seats in use, a user's page gives modules with checkboxes, the last seat
// taken is refused in words naming the module, and a role that holds none cannot be given one;
// and of the rights convene does not use yet, marked so beside them on a manager's page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.CONVENE_BIN || join(here, '..', '..', 'build', 'release', 'convene');
const PW = 'Admin-password-2024';
let srv, br, admin, page, techs = [], member, manager;

function cli(args) {
	return new Promise((resolve, reject) => execFile(BIN, args, { timeout: 30000 },
		(err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))));
}

before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const me = (await admin.call('GET', '/api/v1/me')).body;
	const account = me.account.id;
	await cli(['account', 'seats', '--data', srv.data, '--account', account, '--module', 'remote_support', '--count', '1']);
	const cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
	const make = async (name, role) => {
		const r = await admin.call('POST', '/api/v1/users', { email: name.toLowerCase().replace(' ', '.') + '@example.org', display_name: name, role, password: 'First-password-2024', must_change_password: false, company_ids: [cid] });
		assert.equal(r.status, 201, JSON.stringify(r.body)); return r.body;
	};
	techs = [await make('Tess One', 'technician'), await make('Theo Two', 'technician')];
	member = await make('Mia Member', 'member');
	manager = await make('Max Manager', 'manager');
	page = await signedInPage(br.browser, srv.url, srv.email, PW);
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

const seatsText = async () => {
	const region = page.getByRole('region', { name: 'Seats' });
	await region.waitFor();
	return (await region.locator('#seats-remote_support').textContent()).trim();
};

test('give a module, see the seat taken, and the last seat refused by name', { timeout: 60000 }, async () => {
	await page.goto(srv.url + '/users');
	await page.getByRole('region', { name: 'Seats' }).getByText('0 of 1 seats in use').waitFor();
	assert.match(await seatsText(), /Remote support/);

	await page.goto(srv.url + '/users/' + techs[0].id);
	const box = page.getByRole('group', { name: 'Modules' });
	await box.getByLabel('Remote support').check();
	await page.getByRole('button', { name: 'Save', exact: true }).click();
	await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
	assert.ok(await page.getByRole('group', { name: 'Modules' }).getByLabel('Remote support').isChecked());
	const u = (await admin.call('GET', '/api/v1/users/' + techs[0].id)).body;
	assert.deepEqual(u.modules, ['remote_support']);

	await page.goto(srv.url + '/users');
	await page.getByRole('region', { name: 'Seats' }).getByText('1 of 1 seats in use').waitFor();

	await page.goto(srv.url + '/users/' + techs[1].id);
	await page.getByRole('group', { name: 'Modules' }).getByLabel('Remote support').check();
	await page.getByRole('button', { name: 'Save', exact: true }).click();
	const err = page.getByRole('group', { name: 'Modules' }).getByRole('alert');
	await err.waitFor();
	const text = await err.textContent();
	assert.match(text, /remote_support/); assert.match(text, /1 of 1/);
	assert.deepEqual((await admin.call('GET', '/api/v1/users/' + techs[1].id)).body.modules, []);
});

test('a member holds no module: the box is closed and says who may', { timeout: 30000 }, async () => {
	await page.goto(srv.url + '/users/' + member.id);
	const box = page.getByRole('group', { name: 'Modules' });
	await box.getByText('Only technicians, managers and administrators hold modules.').waitFor();
	assert.ok(await box.getByLabel('Remote support').isDisabled());
});

test('rights convene does not use yet are marked beside them', { timeout: 30000 }, async () => {
	await page.goto(srv.url + '/managers/' + manager.id);
	const multi = page.locator('label.check').filter({ hasText: 'Multi-session' });
	await multi.waitFor();
	assert.match(await multi.textContent(), /not used by convene yet/);
	const reports = page.locator('label.check').filter({ hasText: /^Reports/ });
	assert.doesNotMatch(await reports.first().textContent(), /not used by convene yet/);
	// the representative controls list session replay too
	const controls = page.getByRole('group', { name: 'Representative controls' });
	await controls.getByText('Export session replay').waitFor();
});
