// The password rule under every new-password field, shown before one types: from the server's
// GET /api/v1/password-policy (public, since the reset and invitation pages have no session),
// read once per page load; until it answers, or if it cannot, the rule's usual minimum.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { t } from './i18n.js';

let policy = null;
let pending = null;

function load() {
	if (!pending) pending = api('GET', '/api/v1/password-policy').then(p => (policy = p), () => null);
	return pending;
}

export function PasswordRule() {
	const [p, setP] = useState(policy);
	useEffect(() => {
		if (!p) load().then(x => x && setP(x));
	}, []);
	return <span>{t('passwordRule', { min: p ? p.min_length : 10 })}</span>;
}
