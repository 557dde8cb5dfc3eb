// Browser test of the languages: before sign-in the page speaks the browser's language (French,
// Russian, else English); signed in, the account's (or the user's own) language wins over the
// browser's, roles, statuses, rights and setting descriptions included; a save says it worked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signedInPage, apiSession } from './harness.mjs';

const PW = 'Admin-password-2024';
let srv, br, admin;
before(async () => {
	srv = await startServer({ password: PW }); br = await launch();
	admin = await apiSession(srv.url, srv.email, PW);
}, { timeout: 60000 });
after(async () => { if (br) await br.close(); if (srv) await srv.stop(); }, { timeout: 30000 });

const pageIn = (locale) => newPage(br.browser, { locale, viewport: { width: 1366, height: 900 } });

test('the sign-in page speaks the browser’s language', { timeout: 30000 }, async () => {
	for (const [locale, title, pw, lang] of [['fr-FR', 'Se connecter', 'Mot de passe', 'fr'], ['ru-RU', 'Войти', 'Пароль', 'ru'], ['de-DE', 'Sign in', 'Password', 'en']]) {
		const p = await pageIn(locale);
		await p.goto(srv.url + '/');
		await p.getByRole('heading', { name: title }).waitFor();
		await p.getByLabel(pw, { exact: true }).waitFor();
		assert.equal(await p.evaluate(() => document.documentElement.lang), lang);
		assert.match(await p.title(), new RegExp('^' + title));
		await p.context().close();
	}
});

test('signed in, the account’s language wins and everything is in it', { timeout: 60000 }, async () => {
	assert.equal((await admin.call('PATCH', '/api/v1/settings', { language: 'fr' })).status, 200);
	const p = await pageIn('ru-RU'); // the browser says Russian; the account says French
	await p.goto(srv.url + '/');
	await p.getByLabel('Эл. почта').fill(srv.email);
	await p.getByLabel('Пароль', { exact: true }).fill(PW);
	await p.getByLabel('Пароль', { exact: true }).press('Enter');
	await p.getByRole('heading', { name: 'Utilisateurs' }).waitFor();
	assert.equal(await p.evaluate(() => document.documentElement.lang), 'fr');
	await p.getByRole('cell', { name: 'administrateur' }).waitFor(); // the role
	await p.getByRole('cell', { name: 'actif' }).waitFor(); // the status
	await p.getByRole('link', { name: /Administrator \(administrateur\)/ }).waitFor();

	await p.goto(srv.url + '/settings');
	await p.getByText('Langue du centre d’administration et des e-mails').waitFor();
	await p.getByText('valeur par défaut').first().waitFor();

	// rights by their French names, saving says so
	const t = await admin.call('POST', '/api/v1/teams', { name: 'Équipe A' });
	assert.equal(t.status, 201);
	await p.goto(srv.url + '/teams');
	await p.getByRole('button', { name: 'Équipe A' }).click();
	await p.getByText('Droits au niveau de l’équipe').waitFor();
	await p.getByLabel('Rapports mensuels').check();
	await p.getByRole('button', { name: 'Enregistrer les droits' }).click();
	await p.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
	await p.getByLabel('Nom', { exact: true }).first().fill('Équipe B');
	await p.getByRole('button', { name: 'Enregistrer', exact: true }).click();
	await p.getByRole('heading', { name: 'Équipe B' }).waitFor();
	await p.getByRole('status').filter({ hasText: 'Enregistré.' }).first().waitFor();

	// the audit log in words
	await p.goto(srv.url + '/audit');
	await p.getByRole('cell', { name: 'Droits de l’équipe modifiés' }).waitFor();
	await p.getByRole('cell', { name: 'Équipe créée' }).waitFor();

	// signing out goes back to the browser's language
	await p.getByRole('button', { name: 'Se déconnecter' }).click();
	await p.getByRole('heading', { name: 'Войти' }).waitFor();
	await p.context().close();
	assert.equal((await admin.call('PATCH', '/api/v1/settings', { language: 'en' })).status, 200);
});

// whatever the static check of i18n.test.mjs cannot see (texts built in code): in Russian, no page
// shows an English text of the app
test('in Russian, no page shows one of the app’s English texts', { timeout: 120000 }, async () => {
	const { STRINGS } = await import('./strings.mjs'); // every table, all areas
	const english = new Set(Object.values(STRINGS).filter(([en, , ru]) => en !== ru && /[a-z]{3}/i.test(en)).map(([en]) => en));
	assert.equal((await admin.call('PATCH', '/api/v1/settings', { language: 'ru' })).status, 200);
	const cid = (await admin.call('GET', '/api/v1/companies')).body.items[0].id;
	const room = await admin.call('POST', '/api/v1/rooms', { name: 'Фьорд', capacity: 6 });
	assert.equal(room.status, 201);
	const p = await signedInPage(br.browser, srv.url, srv.email, PW, { heading: 'Пользователи', locale: 'en-US', viewport: { width: 1366, height: 900 } });
	const found = [];
	for (const path of ['/users', '/users/' + admin.user.id, '/companies', '/companies/' + cid, '/teams', '/managers', '/managers/' + admin.user.id,
		'/apps', '/settings', '/settings/calendar/google', '/settings/calendar/microsoft', '/settings/calendar/exchange', '/settings/calendar/google/rooms', '/audit', '/rooms', '/rooms/' + room.body.id, '/calendar', '/account']) {
		await p.goto(srv.url + path);
		await p.getByRole('heading', { level: 1 }).waitFor();
		await p.waitForLoadState('networkidle');
		const texts = await p.evaluate(() => {
			const out = [];
			const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
			for (let n = w.nextNode(); n; n = w.nextNode()) if (n.parentElement.closest('option, [hidden]') === null) out.push(n.textContent.trim());
			for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]'))
				for (const a of ['aria-label', 'placeholder', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
			return out;
		});
		for (const x of texts) if (english.has(x)) found.push(`${path}: "${x}"`);
	}
	await p.context().close();
	assert.equal((await admin.call('PATCH', '/api/v1/settings', { language: 'en' })).status, 200);
	assert.deepEqual([...new Set(found)], []);
});
