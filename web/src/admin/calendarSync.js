// What the calendar integration pages share: the three providers in their tab order, the API's
// paths, and a provider's failure in the reader's language from its stable code (src/sync/provider.h
// lists them; docs/calendar-sync.md explains each) with the remedy in plain words.
import { t } from '../lib/i18n.js';

export const PROVIDERS = ['google', 'microsoft', 'exchange'];
// the exact scopes Google Admin grants the service account (before step 1 has been saved the
// server has not named them yet: these are the ones it asks for)
export const GOOGLE_SCOPES = ['https://www.googleapis.com/auth/admin.directory.resource.calendar.readonly',
	'https://www.googleapis.com/auth/calendar'];
// the Microsoft Graph application permissions the app registration needs
export const MS_PERMISSIONS = ['Calendars.ReadWrite', 'Place.Read.All'];

const BASE = '/api/v1/calendar-integrations';
export const intPath = (p) => BASE + (p ? '/' + encodeURIComponent(p) : '');
export const roomsPath = (p, rid) => intPath(p) + '/rooms' + (rid ? '/' + encodeURIComponent(rid) : '');
// the web app's own pages
export const pagePath = (p, rooms) => '/settings/calendar' + (p ? '/' + p : '') + (rooms ? '/rooms' : '');

const safe = (code) => String(code || '').replace(/[^a-z0-9_]/gi, '_');

// the failure's words: its code's message when this version knows it, else the server's English
// sentence, else the code itself. Its parameters (a scope, a mailbox, a link) are shown apart
// (FailureText), so that a message never shows a placeholder the server did not fill.
export function failureMessage(code, detail) {
	if (code) {
		const k = 'csErr_' + safe(code);
		const s = t(k);
		if (s !== k) return s;
	}
	return detail || String(code || '');
}

// a failure's parameters as [label, values[], isLink] for display; unknown names keep their name
export function failureParams(params) {
	if (!params || typeof params !== 'object') return [];
	return Object.entries(params)
		// a flag (e.g. a secret's `expired`) only chooses the wording: the message says it already
		.filter(([, v]) => v !== null && v !== undefined && v !== '' && typeof v !== 'boolean' && !(Array.isArray(v) && !v.length))
		.map(([k, v]) => {
			const lk = 'csParam_' + safe(k);
			const label = t(lk) === lk ? k : t(lk);
			// scopes come as OAuth writes them, one string separated by spaces
			const parts = typeof v === 'string' && /scopes|permissions/.test(k) ? v.split(/[\s,]+/).filter(Boolean) : v;
			const list = (Array.isArray(parts) ? parts : [parts]).map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x)));
			return [k, label, list, /_url$/.test(k) && list.every((x) => /^https?:\/\//.test(x))];
		});
}
