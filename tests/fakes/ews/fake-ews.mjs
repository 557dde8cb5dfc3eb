// ESM helper for the browser tests: start the Exchange Web Services fake (fake_ews.py) through
// ../fakeproc.mjs and give the connection's URL and credentials. See README.md.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFake } from '../fakeproc.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// startFakeEws({domain, username, password, server})
// -> {ewsUrl, username, password, ctl(method, path, body), stop()}
// ewsUrl is the connection's ews_url (http://127.0.0.1:PORT/EWS/Exchange.asmx).
export async function startFakeEws({ domain = 'contoso.com', username = 'svc-convene@contoso.com',
	password = 'Passw0rd!', server = '2016' } = {}) {
	const { base, ctl, stop } = await startFake('fake_ews', join(here, 'fake_ews.py'),
		['--domain', domain, '--username', username, '--password', password, '--server', server]);
	return { ewsUrl: `${base}/EWS/Exchange.asmx`, username, password, ctl, stop };
}
