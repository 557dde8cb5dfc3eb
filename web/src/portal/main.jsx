// Entry of a company's support portal (portal.html, served for /portal/{slug}): the page customers
// open to ask for help. It never loads the admin center's code (scripts/audiences.mjs).
import { render } from 'preact';
import { t } from '../lib/i18n.js';
import './strings.js';
import '../style.css';
import './portal.css';
import { PortalPage } from './PortalPage.jsx';

// the slug of /portal/{slug}, as the customer typed it ('' when there is none)
function slugOf(pathname) {
	const m = /^\/portal\/([^/]+)\/?$/.exec(pathname);
	if (!m) return '';
	try { return decodeURIComponent(m[1]); } catch { return m[1]; }
}

document.title = t('portalTitle') + ' – convene';
render(<PortalPage slug={slugOf(location.pathname)} />, document.getElementById('app'));
