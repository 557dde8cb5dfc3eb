// Thin fetch wrapper: JSON in/out, the CSRF token on unsafe requests, problem+json turned
// into ApiError {status, type, detail, field} so forms can show the detail next to the field.
let csrf = '';
let onUnauth = () => {};
export function setCsrf(token) { csrf = token || ''; }
export function setUnauthHandler(fn) { onUnauth = fn; }

export class ApiError extends Error {
	constructor(status, body) {
		super((body && body.detail) || `HTTP ${status}`);
		this.status = status;
		this.body = body || {};
		this.type = this.body.type || '';
		this.field = this.body.field || null;
		this.detail = this.message;
	}
}

// extra: more request headers (e.g. If-Match)
export async function api(method, path, body, extra) {
	const headers = { Accept: 'application/json', ...(extra || {}) };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
	let res;
	try {
		res = await fetch(path, {
			method, headers, credentials: 'same-origin',
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	} catch (e) {
		throw new ApiError(0, { detail: 'network' });
	}
	let data = null;
	const text = await res.text();
	if (text) { try { data = JSON.parse(text); } catch { data = null; } }
	if (!res.ok) {
		const err = new ApiError(res.status, data);
		if (res.status === 401 && !path.endsWith('/session')) onUnauth(err);
		throw err;
	}
	return data;
}

// apiRaw: a body that is not JSON (e.g. text/calendar for an import, a file); the answer is still JSON
export async function apiRaw(method, path, text, contentType, extra) {
	const headers = { Accept: 'application/json', 'Content-Type': contentType, ...(extra || {}) };
	if (csrf) headers['X-CSRF-Token'] = csrf;
	let res;
	try {
		res = await fetch(path, { method, headers, credentials: 'same-origin', body: text });
	} catch (e) {
		throw new ApiError(0, { detail: 'network' });
	}
	let data = null;
	const body = await res.text();
	if (body) { try { data = JSON.parse(body); } catch { data = null; } }
	if (!res.ok) {
		const err = new ApiError(res.status, data);
		if (res.status === 401) onUnauth(err);
		throw err;
	}
	return data;
}

export const get = (p) => api('GET', p);
export function qs(params) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
	const s = u.toString();
	return s ? '?' + s : '';
}
