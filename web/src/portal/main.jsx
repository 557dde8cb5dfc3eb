// Entry of a company's support portal (portal.html, served for /portal/{slug}): the page customers
// open. Portals themselves (issue 17) do not exist yet, so it says which portal address was asked
// for and that there is none; it never loads the admin center's code (scripts/audiences.mjs).
import { render } from 'preact';
import { t } from '../lib/i18n.js';
import './strings.js';
import '../style.css';

// the slug of /portal/{slug}, as the customer typed it ('' when there is none)
function slugOf(pathname) {
	const m = /^\/portal\/([^/]+)\/?$/.exec(pathname);
	if (!m) return '';
	try { return decodeURIComponent(m[1]); } catch { return m[1]; }
}

function Portal({ slug }) {
	return (
		<main class="card" id="main">
			<h1>{t('portalTitle')}</h1>
			{slug ? <p>{t('portalAsked', { address: '/portal/' + slug })}</p> : <p>{t('portalNone')}</p>}
			<p>{t('portalNotYet')}</p>
		</main>
	);
}

document.title = t('portalTitle') + ' – convene';
render(<Portal slug={slugOf(location.pathname)} />, document.getElementById('app'));
