// ESM helper for the browser tests: start the Zoom fake (fake_zoom.py) through ../fakeproc.mjs
// and give convene's URLs for it. See README.md.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFake } from '../fakeproc.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// startFakeZoom({clientId, clientSecret, webhookSecret, webhookUrl, redirectUris})
// -> {oauthUrl, apiUrl, ctl(method, path, body), stop()}
export async function startFakeZoom({ clientId = 'fake-client-id', clientSecret = 'fake-client-secret',
	webhookSecret = 'fake-webhook-secret', webhookUrl = '', redirectUris = [] } = {}) {
	const args = ['--client-id', clientId, '--client-secret', clientSecret, '--webhook-secret', webhookSecret];
	if (webhookUrl) args.push('--webhook-url', webhookUrl);
	for (const r of redirectUris) args.push('--redirect-uri', r);
	const { base, ctl, stop } = await startFake('fake_zoom', join(here, 'fake_zoom.py'), args);
	return { oauthUrl: base, apiUrl: `${base}/v2`, ctl, stop };
}
