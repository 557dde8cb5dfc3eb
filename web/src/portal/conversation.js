// The customer's conversation on this portal ({id, token}), kept in the tab's sessionStorage so
// that a reload or a visit to another page of the site comes back to it; the token is the
// customer's only proof, so it never goes into the address bar or to another portal. And the
// API addresses of a portal and of a conversation on it.
export const portalPath = (slug) => '/api/v1/public/portals/' + encodeURIComponent(slug);
export const sessionPath = (slug, id) => portalPath(slug) + '/sessions/' + encodeURIComponent(id);
const key = (slug) => 'convene.portal.' + slug;

export function loadConversation(slug) {
	try {
		const c = JSON.parse(sessionStorage.getItem(key(slug)) || 'null');
		return c && typeof c.id === 'string' && typeof c.token === 'string' ? c : null;
	} catch { return null; }
}
export function saveConversation(slug, c) {
	try { sessionStorage.setItem(key(slug), JSON.stringify({ id: c.id, token: c.token })); } catch { /* private mode */ }
}
export function forgetConversation(slug) {
	try { sessionStorage.removeItem(key(slug)); } catch { /* private mode */ }
}
