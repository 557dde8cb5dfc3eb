// ESM helper for the browser tests: start the Microsoft 365 fake (fake_graph.py) through
// ../fakeproc.mjs and give convene's URLs and the app's credentials for it. See README.md.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFake } from '../fakeproc.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// startFakeGraph({tenantId, domain, clientId, clientSecret, consent, redirectUris})
// -> {loginUrl, graphUrl, tenantId, clientId, clientSecret, ctl(method, path, body), stop()}
export async function startFakeGraph({ tenantId = '9188040d-6c67-4c5b-b112-36a304b66dad',
	domain = 'contoso.onmicrosoft.com', clientId = '6731de76-14a6-49ae-97bc-6eba6914391e',
	clientSecret = 'fake-client-secret', consent = ['Calendars.ReadWrite', 'Place.Read.All'],
	redirectUris = [] } = {}) {
	const args = ['--tenant-id', tenantId, '--domain', domain, '--client-id', clientId,
		'--client-secret', clientSecret];
	for (const r of consent) args.push('--consent', r);
	for (const r of redirectUris) args.push('--redirect-uri', r);
	const { base, ctl, stop } = await startFake('fake_graph', join(here, 'fake_graph.py'), args);
	return { loginUrl: base, graphUrl: base, tenantId, clientId, clientSecret, ctl, stop };
}
