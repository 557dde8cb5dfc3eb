// Accessibility of every main page, checked by axe-core (tests/browser/axe.mjs) in the light and
// in the dark colour scheme: sign-in, the admin center's lists and detail pages, rooms, the
// calendar's four views with the event editor and the sharing dialog, the conferences pages, the account page, a guest's
// invitation page and a room's door screen. Any violation, whatever its impact, fails. Also: each
// page has a title of its own, and a skip link is the first stop of the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signedInPage, apiSession } from './harness.mjs';
import { startSmtpSink } from './smtp-sink.mjs';
import { axeCheck } from './axe.mjs';

const PW = 'Admin-password-2024';
const today = new Date().toISOString().slice(0, 10);
let sink, srv, br, admin, ids = {};

async function ok(res, status = 200) {
	assert.equal(res.status, status, JSON.stringify(res.body));
	return res.body;
}

before(async () => {
	sink = await startSmtpSink();
	srv = await startServer({ password: PW, smtp: sink.url });
	br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
	const cos = await ok(await admin.call('GET', '/api/v1/companies'));
	ids.company = cos.items[0].id;
	ids.user = (await ok(await admin.call('POST', '/api/v1/users', { email: 'tina@example.org', display_name: 'Tina Tech',
		role: 'technician', password: 'Tech-password-99', company_ids: [ids.company] }), 201)).id;
	ids.team = (await ok(await admin.call('POST', '/api/v1/teams', { name: 'Support' }), 201)).id;
	await ok(await admin.call('PUT', `/api/v1/teams/${ids.team}/members/${ids.user}`), 200).catch(() => {});
	await ok(await admin.call('POST', '/api/v1/devices', { name: 'Printer 1', kind: 'printer', company_ids: [ids.company] }), 201);
	await ok(await admin.call('POST', '/api/v1/apps', { name: 'Reporting', description: 'Monthly reports' }), 201);
	const room = await ok(await admin.call('POST', '/api/v1/rooms', { name: 'Fjord room', capacity: 8, building: 'North', floor: '2', equipment: ['projector'] }), 201);
	ids.room = room.id;
	ids.display = (await ok(await admin.call('POST', `/api/v1/rooms/${room.id}/displays`, { name: 'Door' }), 201)).token;
	const cals = await ok(await admin.call('GET', '/api/v1/calendars'));
	ids.cal = cals.items.find((c) => c.is_default).id;
	for (let i = 0; i < 6; i++)
		await ok(await admin.call('POST', `/api/v1/calendars/${ids.cal}/events`, { summary: `Meeting ${i + 1}`,
			start: `${today}T${String(8 + i).padStart(2, '0')}:00:00Z`, end: `${today}T${String(8 + i).padStart(2, '0')}:45:00Z`,
			...(i === 0 ? { room_ids: [room.id] } : {}) }), 201);
	// a conference with an administrator, for the conferences pages
	ids.conf = (await ok(await admin.call('POST', '/api/v1/conferences', { name: 'Ocean Science', description: 'Three days',
		starts_on: '2027-03-01', ends_on: '2027-03-03', time_zone: 'Europe/Paris' }), 201)).id;
	await ok(await admin.call('PUT', `/api/v1/conferences/${ids.conf}/admins/${ids.user}`), 204);
	// a guest invitation, for the guest's page
	await ok(await admin.call('POST', `/api/v1/calendars/${ids.cal}/shares`, { kind: 'guest', email: 'gina@example.net', role: 'viewer' }), 201);
	const mail = (await sink.waitFor('gina@example.net'))[0];
	ids.guestLink = mail.text.match(/https?:\/\/\S+(\/guest\/accept\?token=[A-Za-z0-9_-]+)/)[1];
}, { timeout: 90000 });
after(async () => {
	if (br) await br.close();
	if (srv) await srv.stop();
	if (sink) await sink.stop();
}, { timeout: 30000 });

// each page: how to get there (signed in as the administrator unless `anon`) and what to wait for
const PAGES = [
	{ name: 'sign-in', anon: true, go: async (p) => { await p.goto(srv.url + '/'); await p.getByRole('heading', { name: 'Sign in' }).waitFor(); } },
	{ name: 'forgot password', anon: true, go: async (p) => { await p.goto(srv.url + '/forgot'); await p.getByRole('heading').waitFor(); } },
	{ name: 'guest invitation', anon: true, go: async (p) => { await p.goto(srv.url + ids.guestLink); await p.getByLabel('Your name').waitFor(); } },
	{ name: 'door display', anon: true, go: async (p) => { await p.goto(`${srv.url}/display/${ids.display}`); await p.locator('#door-state').waitFor(); await p.getByText('Meeting').first().waitFor({ timeout: 3000 }).catch(() => {}); } },
	{ name: 'users', path: '/users', wait: (p) => p.getByRole('cell', { name: 'tina@example.org' }).waitFor() },
	{ name: 'user page', path: () => '/users/' + ids.user, wait: (p) => p.getByRole('heading', { name: 'Tina Tech' }).waitFor() },
	{ name: 'companies', path: '/companies', wait: (p) => p.getByRole('table').waitFor() },
	{ name: 'company page', path: () => '/companies/' + ids.company, wait: (p) => p.getByRole('cell', { name: 'Printer 1', exact: true }).waitFor() },
	{ name: 'teams', path: '/teams', wait: async (p) => { await p.getByRole('button', { name: 'Support' }).click(); await p.getByRole('heading', { name: 'Rights' }).waitFor(); } },
	{ name: 'managers', path: '/managers', wait: (p) => p.getByRole('table').waitFor() },
	{ name: 'manager page', path: () => '/managers/' + admin.user.id, wait: (p) => p.getByRole('heading', { name: 'Rights' }).waitFor() },
	{ name: 'apps', path: '/apps', wait: (p) => p.getByText('Monthly reports').waitFor() },
	{ name: 'settings', path: '/settings', wait: (p) => p.locator('form.panel').first().waitFor() },
	{ name: 'audit', path: '/audit', wait: (p) => p.locator('tbody tr').first().waitFor() },
	{ name: 'support reports', path: '/reports', wait: (p) => p.getByRole('table').waitFor() },
	{ name: 'rooms', path: '/rooms', wait: (p) => p.getByRole('link', { name: 'Fjord room' }).waitFor() },
	{ name: 'room page', path: () => '/rooms/' + ids.room, wait: (p) => p.getByRole('heading', { name: 'Door displays' }).waitFor() },
	{ name: 'conferences', path: '/conferences', wait: (p) => p.getByRole('link', { name: 'Ocean Science' }).waitFor() },
	{ name: 'conference details', path: () => '/conferences/' + ids.conf, wait: (p) => p.getByLabel('Time zone').waitFor() },
	{ name: 'conference administrators', path: () => `/conferences/${ids.conf}/admins`, wait: (p) => p.getByText('Tina Tech').waitFor() },
	{ name: 'conference Zoom tab (no Zoom app)', path: () => `/conferences/${ids.conf}/zoom`, wait: (p) => p.getByText('docs/zoom.md').waitFor() },
	{ name: 'account', path: '/account', wait: (p) => p.getByRole('heading', { name: 'App passwords' }).waitFor() },
	...['timeGridWeek', 'dayGridMonth', 'timeGridDay', 'listWeek'].map((view) => ({
		name: 'calendar ' + view, path: '/calendar',
		wait: async (p) => {
			await p.locator('.fc-event').first().waitFor();
			await p.locator(`.fc-${view}-button`).click();
			await p.locator(`.fc-view-harness .fc-${view}-view`).waitFor();
			await p.waitForTimeout(200);
		},
	})),
	{ name: 'event editor', path: '/calendar', wait: async (p) => {
		await p.locator('.fc-event').first().waitFor();
		await p.getByRole('button', { name: 'New event' }).click();
		await p.getByRole('dialog').waitFor();
		await p.getByText('Find a room').click();
		await p.getByText('Find a time').click();
		await p.getByRole('dialog').getByRole('button', { name: 'Search', exact: true }).click();
		await p.getByRole('dialog').getByRole('list', { name: 'Free times' }).waitFor();
	} },
	{ name: 'sharing dialog', path: '/calendar', wait: async (p) => {
		const item = p.getByRole('complementary').getByRole('listitem').first();
		await item.getByText('Options').click();
		await item.getByRole('button', { name: 'Share' }).click();
		await p.getByRole('dialog').getByRole('heading', { name: 'Public address' }).waitFor();
		await p.getByRole('dialog').getByText('Gina').or(p.getByRole('dialog').getByText('gina@example.net')).first().waitFor();
	} },
];

const sessions = {};
async function pageFor(scheme, anon) {
	const key = scheme + (anon ? '-anon' : '');
	if (!sessions[key]) {
		const options = { viewport: { width: 1366, height: 900 }, colorScheme: scheme };
		sessions[key] = anon ? await newPage(br.browser, options) : await signedInPage(br.browser, srv.url, srv.email, PW, options);
	}
	return sessions[key];
}

for (const scheme of ['light', 'dark']) {
	for (const pg of PAGES) {
		test(`axe: ${pg.name} (${scheme})`, { timeout: 60000 }, async () => {
			const p = await pageFor(scheme, pg.anon);
			if (pg.go) await pg.go(p);
			else {
				await p.goto(srv.url + (typeof pg.path === 'function' ? pg.path() : pg.path));
				await pg.wait(p);
			}
			await axeCheck(p, `${pg.name} (${scheme})`);
		});
	}
}

test('each page has a title of its own', { timeout: 60000 }, async () => {
	const p = await pageFor('light', false);
	const seen = new Map();
	for (const path of ['/users', '/companies', '/teams', '/managers', '/apps', '/settings', '/audit', '/reports', '/rooms', '/calendar', '/conferences', '/account']) {
		await p.goto(srv.url + path);
		await p.getByRole('heading', { level: 1 }).waitFor();
		const h1 = (await p.getByRole('heading', { level: 1 }).textContent()).trim();
		const title = await p.title();
		assert.ok(title.startsWith(h1), `${path}: title "${title}" names its heading "${h1}"`);
		assert.ok(!seen.has(title), `${path} has the same title as ${seen.get(title)}`);
		seen.set(title, path);
	}
	await p.goto(srv.url + '/users/' + ids.user);
	await p.getByRole('heading', { name: 'Tina Tech' }).waitFor();
	assert.match(await p.title(), /^Tina Tech/);
});

test('a skip link is the first stop and moves to the main content', { timeout: 30000 }, async () => {
	const p = await pageFor('light', false);
	await p.goto(srv.url + '/users');
	await p.getByRole('cell', { name: 'tina@example.org' }).waitFor();
	await p.keyboard.press('Tab');
	const skip = p.getByRole('link', { name: 'Skip to main content' });
	assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the skip link has the focus');
	assert.ok(await skip.isVisible(), 'visible when focused');
	await p.keyboard.press('Enter');
	assert.equal(await p.evaluate(() => document.activeElement && document.activeElement.tagName), 'MAIN');
	await p.keyboard.press('Tab');
	assert.equal(await p.evaluate(() => !!document.activeElement.closest('main')), true, 'the next stop is inside main');
});

test('the dark scheme is followed: dark background, light text', { timeout: 30000 }, async () => {
	const p = await pageFor('dark', false);
	await p.goto(srv.url + '/users');
	await p.getByRole('cell', { name: 'tina@example.org' }).waitFor();
	const [bg, fg] = await p.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
	const lum = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return (r + g + b) / 3; };
	assert.ok(lum(bg) < 60, 'dark background: ' + bg);
	assert.ok(lum(fg) > 180, 'light text: ' + fg);
});
