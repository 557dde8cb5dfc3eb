// UI strings in en/fr/ru, by key: t(key, {name}) fills "{name}". The tables are split by area
// (lib/strings.js for what several areas show, admin/, signin/, calendar/, display/ strings.js);
// each area's table registers itself here with addStrings when its code loads, so a page carries
// only the texts of the parts it loads.
// The language: the signed-in user's own, else the account's (GET /api/v1/me), else, before
// sign-in, the browser's first language we have.
import { STRINGS as COMMON } from './strings.js';

const S = { ...COMMON };
// an area's table, added when that area's code loads (a key is defined in one table only)
export function addStrings(table) { Object.assign(S, table); }
export const LANGS = ['en', 'fr', 'ru'];
// every text loaded so far (the common ones and those of the areas whose code has loaded)
export const STRINGS = S;
let idx = 0;

// the first of the browser's languages that we have ("fr-CA" -> fr), else English
export function browserLanguage() {
	const list = (typeof navigator !== 'undefined' && (navigator.languages || [navigator.language])) || [];
	for (const l of list) {
		const i = LANGS.indexOf(String(l || '').slice(0, 2).toLowerCase());
		if (i >= 0) return LANGS[i];
	}
	return 'en';
}

export function setLanguage(lang) {
	const i = LANGS.indexOf(lang);
	idx = i < 0 ? 0 : i;
	if (typeof document !== 'undefined') document.documentElement.lang = LANGS[idx];
}
export const currentLanguage = () => LANGS[idx];
setLanguage(browserLanguage());

// "{n} min" with its values filled in
export const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? String(vars[k]) : m));

// the text of an API code (a role, an action…) by its key prefix, or the code itself when this
// version of the app does not know it yet
export function codeText(prefix, code) {
	const k = prefix + String(code || '').replace(/[^a-z0-9_]/gi, '_');
	return k in S ? t(k) : String(code || '');
}

// a text by key, or `fallback` (e.g. the server's English label) when there is none
export const tOr = (key, fallback) => (key in S ? t(key) : fallback);

export function t(key, vars) {
	const e = S[key];
	if (!e) return key;
	const s = e[idx] || e[0];
	return vars ? fill(s, vars) : s;
}
