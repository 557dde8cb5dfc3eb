// ESM helper for the browser tests: start the Google fake (fake_google.py) through ../fakeproc.mjs
// and give convene's URLs for it. See README.md.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFake } from '../fakeproc.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// startFakeGoogle({domain}) -> {apiUrl, tokenUrl, ctl(method, path, body), stop()}
// apiUrl is convene's google_api_url, tokenUrl its google_token_url.
export async function startFakeGoogle({ domain = 'example.com' } = {}) {
	const { base, ctl, stop } = await startFake('fake_google', join(here, 'fake_google.py'),
		['--domain', domain]);
	return { apiUrl: base, tokenUrl: `${base}/token`, ctl, stop };
}
