// The web app's translations (web/src/i18n.js) and its sources, checked without a browser: every
// string has an English, a French and a Russian text, with the same {placeholders}; every t('key')
// names a string that exists; and no user-visible text is written into the JSX by hand — text
// between tags, the visible attributes (aria-label, title, placeholder, alt, label, hint …), string
// literals and templates shown as children, and API enums (role, status, kind …) shown raw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..', '..', 'web');
const src = join(web, 'src');
const { parseAst } = await import(pathToFileURL(join(web, 'node_modules', 'rolldown', 'dist', 'parse-ast-index.mjs')).href);
const { STRINGS, LANGS } = await import(pathToFileURL(join(src, 'i18n.js')).href);

const files = [];
(function walk(d) {
	for (const n of readdirSync(d)) {
		const p = join(d, n);
		if (statSync(p).isDirectory()) walk(p);
		else if (/\.(jsx|js)$/.test(n)) files.push(p);
	}
})(src);

// texts that are the same in every language (a brand, a unit, a format shown as an example)
const SAME = /^(English|Français|Русский|convene|CalDAV|iCalendar|ICS|HH:MM|\{n\} min|E-mail|Options|Description|Actions?|Applications|Notes|Public)\b/;
const CYRILLIC = /[\u0400-\u04ff]/;
const holders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

test('every string is in English, French and Russian, with the same placeholders', () => {
	assert.deepEqual(LANGS, ['en', 'fr', 'ru']);
	const bad = [];
	for (const [key, list] of Object.entries(STRINGS)) {
		if (!Array.isArray(list) || list.length !== 3 || list.some((x) => typeof x !== 'string' || !x.trim())) { bad.push(`${key}: not three texts`); continue; }
		const [en, fr, ru] = list;
		if (!CYRILLIC.test(ru) && !SAME.test(en)) bad.push(`${key}: the Russian text is not in Russian: "${ru}"`);
		if (fr === en && !SAME.test(en) && /[a-z]{4,}/i.test(en) && en.split(/\s+/).length > 1) bad.push(`${key}: the French text is the English one: "${fr}"`);
		if (holders(fr) !== holders(en) || holders(ru) !== holders(en)) bad.push(`${key}: placeholders differ: ${list.join(' | ')}`);
	}
	assert.deepEqual(bad, []);
});

// attributes whose text people see or hear
const VISIBLE_ATTRS = new Set(['aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'title', 'placeholder', 'alt', 'label', 'hint', 'okLabel', 'note', 'message', 'summary']);
// API values that are codes, not words: shown only through t()
const ENUM_PROPS = new Set(['role', 'status', 'kind', 'source', 'via', 'action', 'tab', 'category', 'state', 'type', 'rule']);
const letters = (s) => /\p{L}{2,}/u.test(s);

function walk(node, visit, parent) {
	if (!node || typeof node.type !== 'string') return;
	visit(node, parent);
	for (const k of Object.keys(node)) {
		if (k === 'parent') continue;
		const v = node[k];
		if (Array.isArray(v)) v.forEach((c) => c && typeof c === 'object' && walk(c, visit, node));
		else if (v && typeof v === 'object' && typeof v.type === 'string') walk(v, visit, node);
	}
}

function lineOf(text, pos) { return text.slice(0, pos).split('\n').length; }

function problems(file) {
	const text = readFileSync(file, 'utf8');
	const ast = parseAst(text, { lang: file.endsWith('.jsx') ? 'jsx' : 'js' });
	const out = [];
	const at = (n, what) => out.push(`${relative(web, file)}:${lineOf(text, n.start)}: ${what}`);
	// a string or template shown as a JSX child (or one branch of a ?: / && that is)
	const shown = (e) => {
		if (!e) return;
		if (e.type === 'Literal' && typeof e.value === 'string' && letters(e.value)) at(e, `text "${e.value.trim()}" not through t()`);
		else if (e.type === 'TemplateLiteral') e.quasis.forEach((q) => letters(q.value.cooked || '') && at(q, `text "${q.value.cooked.trim()}" not through t()`));
		else if (e.type === 'ConditionalExpression') { shown(e.consequent); shown(e.alternate); }
		else if (e.type === 'LogicalExpression') shown(e.right);
		else if (e.type === 'BinaryExpression' && e.operator === '+') { shown(e.left); shown(e.right); }
		else if (e.type === 'MemberExpression' && !e.computed && e.property && ENUM_PROPS.has(e.property.name)) at(e, `the code ${text.slice(e.start, e.end)} shown as it is, not through t()`);
	};
	walk(ast, (n, parent) => {
		if (n.type === 'JSXText' && letters(n.value)) at(n, `text "${n.value.trim()}" not through t()`);
		if (n.type === 'JSXAttribute' && n.value) {
			const name = n.name.type === 'JSXIdentifier' ? n.name.name : '';
			if (VISIBLE_ATTRS.has(name)) {
				if (n.value.type === 'Literal' && letters(String(n.value.value))) at(n, `${name}="${n.value.value}" not through t()`);
				else if (n.value.type === 'JSXExpressionContainer') shown(n.value.expression);
			}
		}
		if (n.type === 'JSXExpressionContainer' && parent && (parent.type === 'JSXElement' || parent.type === 'JSXFragment')) shown(n.expression);
		// t('key'): the key exists
		if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 't' && n.arguments[0]) {
			const a = n.arguments[0];
			if (a.type === 'Literal' && typeof a.value === 'string' && !(a.value in STRINGS)) at(n, `t('${a.value}'): no such string`);
			if (a.type === 'BinaryExpression' && a.left.type === 'Literal' && !Object.keys(STRINGS).some((k) => k.startsWith(a.left.value)))
				at(n, `t('${a.left.value}' + …): no string starts so`);
		}
		// the confirmation dialog, page notes and messages: words only through t()
		if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && /^(confirmAction|setMsg|setNote|setErr|show|setFormError)$/.test(n.callee.name))
			n.arguments.forEach(shown);
	});
	return out;
}

test('no user-visible text in the JSX that does not go through t()', () => {
	const all = files.flatMap(problems);
	assert.deepEqual(all, []);
});

// the keys built at run time (t('role_' + r)) have a text for every value the API may send
test('every code the app translates at run time has its text', () => {
	const need = {
		urole_: ['admin', 'manager', 'api_manager', 'technician', 'member', 'guest', 'customer'],
		role_: ['owner', 'manager', 'editor', 'viewer', 'freebusy'],
		kind_: ['user', 'guest', 'team', 'company'],
		ustatus_: ['active', 'suspended', 'invited'],
		device_: ['desktop', 'laptop', 'server', 'phone', 'tablet', 'printer', 'other'],
		day_: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
		lang_: ['en', 'fr', 'ru'],
	};
	// the server's catalogues: rights and their groups, settings (their descriptions)
	const root = join(here, '..', '..');
	const rights = readFileSync(join(root, 'src', 'iam', 'rights.def'), 'utf8');
	need.right_ = [...rights.matchAll(/^RIGHT\((\w+),/gm)].map((m) => m[1]);
	need.rightgroup_ = [...new Set([...rights.matchAll(/^RIGHT\(\w+,\s*(\w+),/gm)].map((m) => m[1]))];
	need.setting_ = [...readFileSync(join(root, 'src', 'settings', 'catalogue.def'), 'utf8').matchAll(/^SETTING\((\w+),/gm)].map((m) => m[1]);
	assert.ok(need.right_.length > 20 && need.setting_.length >= 4, 'the catalogues were read');
	const missing = [];
	for (const [prefix, codes] of Object.entries(need))
		for (const c of codes) if (!((prefix + c) in STRINGS)) missing.push(prefix + c);
	assert.deepEqual(missing, []);
});
