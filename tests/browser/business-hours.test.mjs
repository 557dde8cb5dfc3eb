// Browser test: business_hours is edited per weekday (open or closed, from/to intervals), never
// as raw JSON. The account value is saved and read back through GET /api/v1/settings, a bad time
// and a server refusal are shown at the day concerned, a company override is set and removed,
// and a technician sees the hours as a read-only table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
const NINE_FIVE = [{ open: '09:00', close: '17:00' }];
let srv, br, admin, cid;
before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

async function hours(path) {
	const r = await admin.call('GET', path);
	assert.equal(r.status, 200, JSON.stringify(r.body));
	return r.body.items.find((x) => x.name === 'business_hours');
}
const hoursForm = (page) => page.locator('form', { has: page.locator('legend', { hasText: 'business_hours' }) });

test('set the account business hours with the weekday editor', { timeout: 60000 }, async () => {
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
	const form = hoursForm(page);
	await form.getByRole('group', { name: 'Monday' }).waitFor();
	assert.equal(await page.locator('textarea').count(), 0);
	assert.doesNotMatch(await form.textContent(), /[{}[\]]/);

	// Saturday: opened from the keyboard (Space), then 10:00-14:00
	const sat = form.getByRole('group', { name: 'Saturday' });
	await sat.getByRole('checkbox', { name: 'Open' }).focus();
	await page.keyboard.press('Space');
	assert.equal(await sat.getByRole('textbox', { name: 'From' }).inputValue(), '09:00');
	await sat.getByRole('textbox', { name: 'From' }).fill('10:00');
	await sat.getByRole('textbox', { name: 'To' }).fill('14:00');

	// Wednesday: a second interval, typed as 13:00-18:30 after a lunch break
	const wed = form.getByRole('group', { name: 'Wednesday' });
	await wed.getByRole('button', { name: 'Add hours: Wednesday' }).click();
	await wed.getByRole('textbox', { name: 'To 1' }).fill('12:00');
	await wed.getByRole('textbox', { name: 'From 2' }).fill('13:00');
	await wed.getByRole('textbox', { name: 'To 2' }).fill('18:30');

	// Monday: closed
	await form.getByRole('group', { name: 'Monday' }).getByRole('checkbox', { name: 'Open' }).uncheck();

	// Tuesday: a time that is not HH:MM is caught before sending, at that day
	const tue = form.getByRole('group', { name: 'Tuesday' });
	await tue.getByRole('textbox', { name: 'From' }).fill('9h');
	await form.getByRole('button', { name: 'Save' }).click();
	await tue.getByRole('alert').filter({ hasText: 'Use HH:MM' }).waitFor();
	// ... and the server's refusal (open after close) too
	await tue.getByRole('textbox', { name: 'From' }).fill('18:00');
	await form.getByRole('button', { name: 'Save' }).click();
	await tue.getByRole('alert').filter({ hasText: 'open must be before close' }).waitFor();
	assert.equal(await tue.getByRole('textbox', { name: 'From' }).getAttribute('aria-invalid'), 'true');
	assert.deepEqual((await hours('/api/v1/settings')).source, 'default');

	await tue.getByRole('textbox', { name: 'From' }).fill('9:00'); // padded to 09:00 on save
	await form.getByRole('button', { name: 'Save' }).click();
	await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
	const h = await hours('/api/v1/settings');
	assert.equal(h.source, 'account');
	assert.deepEqual(h.value, {
		mon: [], tue: NINE_FIVE, wed: [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '18:30' }],
		thu: NINE_FIVE, fri: NINE_FIVE, sat: [{ open: '10:00', close: '14:00' }], sun: [],
	});

	// the editor shows the saved value after a reload
	await page.reload();
	const wed2 = hoursForm(page).getByRole('group', { name: 'Wednesday' });
	assert.equal(await wed2.getByRole('textbox', { name: 'To 2' }).inputValue(), '18:30');
	assert.equal(await hoursForm(page).getByRole('group', { name: 'Monday' }).getByRole('checkbox', { name: 'Open' }).isChecked(), false);
	await page.context().close();
});

test('override business hours on a company, then remove the override', { timeout: 60000 }, async () => {
	const account = (await hours('/api/v1/settings')).value;
	const page = await signedInPage(br.browser, srv.url, srv.email, PW);
	await page.goto(srv.url + '/companies/' + cid);
	const form = hoursForm(page);
	const sun = form.getByRole('group', { name: 'Sunday' });
	await sun.getByRole('checkbox', { name: 'Open' }).check();
	await sun.getByRole('textbox', { name: 'From' }).fill('11:00');
	await sun.getByRole('textbox', { name: 'To' }).fill('24:00');
	await form.getByRole('button', { name: 'Override' }).click();
	await form.getByText('Source: set for this company').waitFor();

	const h = await hours(`/api/v1/companies/${cid}/settings`);
	assert.equal(h.source, 'company');
	assert.deepEqual(h.value, { ...account, sun: [{ open: '11:00', close: '24:00' }] });
	assert.deepEqual((await hours('/api/v1/settings')).value, account); // the account is untouched

	await hoursForm(page).getByRole('button', { name: 'Remove override' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Remove override' }).click();
	await hoursForm(page).getByText('Source: set for the account').waitFor();
	const back = await hours(`/api/v1/companies/${cid}/settings`);
	assert.equal(back.source, 'account');
	assert.deepEqual(back.value, account);
	await page.context().close();
});

test('technicians see the hours read-only', { timeout: 60000 }, async () => {
	const mk = await admin.call('POST', '/api/v1/users', { email: 'tech@example.org', display_name: 'Theo Tech', role: 'technician',
		password: 'Tech-password-99', must_change_password: false, company_ids: [cid] });
	assert.equal(mk.status, 201, JSON.stringify(mk.body));
	const page = await signedInPage(br.browser, srv.url, 'tech@example.org', 'Tech-password-99');
	await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
	const form = hoursForm(page);
	await form.getByRole('rowheader', { name: 'Monday' }).waitFor();
	assert.equal(await form.getByRole('row', { name: /Monday/ }).getByRole('cell').textContent(), 'Closed');
	assert.equal(await form.getByRole('row', { name: /Saturday/ }).getByRole('cell').textContent(), '10:00–14:00');
	assert.equal(await form.getByRole('textbox').count(), 0);
	assert.equal(await form.getByRole('checkbox').count(), 0);
	assert.equal(await form.getByRole('button').count(), 0);
	await page.context().close();
});
