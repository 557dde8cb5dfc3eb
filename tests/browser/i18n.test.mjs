// The web app's translations (web/src/lib/strings.js and each area's strings.js, see strings.mjs) and
// its sources, checked without a browser: every string has an English, a French and a Russian text,
// with the same {placeholders}, in one table only; every t('key') names a string of a table its page
// loads (lib's or its own area's); and no user-visible text is written into the JSX by hand — text
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
const { STRINGS, LANGS, TABLES, tablesFor } = await import('./strings.mjs');

const files = [];
(function walk(d) {
	for (const n of readdirSync(d)) {
		const p = join(d, n);
		if (statSync(p).isDirectory()) walk(p);
		else if (/\.(jsx|js)$/.test(n)) files.push(p);
	}
})(src);

// texts that are the same in every language (a brand, a unit, a format shown as an example)
const SAME = /^(English|Français|Русский|convene|CalDAV|iCalendar|ICS|HH:MM|\{n\} min|E-mail|Options|Description|Actions?|Applications|Notes|Public|Zoom|Google Workspace|Microsoft 365)\b/;
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

test('every string is in one table only, and each area has its table', () => {
	assert.deepEqual(Object.keys(TABLES).sort(), ['admin', 'calendar', 'common', 'conferences', 'display', 'portal', 'signin', 'support']);
	const seen = {};
	const twice = [];
	for (const [area, table] of Object.entries(TABLES))
		for (const key of Object.keys(table)) { if (seen[key]) twice.push(`${key}: in ${seen[key]} and ${area}`); seen[key] = area; }
	assert.deepEqual(twice, []);
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
	// the texts this file's page has loaded: lib's and its area's
	const areas = tablesFor(file);
	const has = (key) => areas.some((a) => key in TABLES[a]);
	const where = (key) => (key in STRINGS ? ` (it is in the ${Object.keys(TABLES).find((a) => key in TABLES[a])} table)` : '');
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
		// t('key'), tOr('key', …): the key exists in a table this file's page has loaded; t('prefix' + …),
		// codeText('prefix', …): some key there starts so
		if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && /^(t|tOr|codeText)$/.test(n.callee.name) && n.arguments[0]) {
			const a = n.arguments[0];
			const fn = n.callee.name;
			if (a.type === 'Literal' && typeof a.value === 'string' && fn !== 'codeText' && !has(a.value)) at(n, `${fn}('${a.value}'): no such string for ${areas.join('/')}${where(a.value)}`);
			const prefix = fn === 'codeText' ? a : a.type === 'BinaryExpression' ? a.left : null;
			if (prefix && prefix.type === 'Literal' && !areas.some((ar) => Object.keys(TABLES[ar]).some((k) => k.startsWith(prefix.value))))
				at(n, `${fn}('${prefix.value}' + …): no string starts so for ${areas.join('/')}`);
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
	// the codes of a Zoom connection's error, as the server writes them (conferencing/zoom_api.c)
	const zapi = readFileSync(join(root, 'src', 'conferencing', 'zoom_api.c'), 'utf8');
	need.zerr_ = [...zapi.matchAll(/(?:reload_error\(&err,|mark_reconnect\([^,"]+,[^,"]+,|err\.code =)\s*"(\w+)"/g)].map((m) => m[1]);
	// the codes of a calendar provider's failure (src/sync/provider.h's list, and step 1's invalid_field),
	// and the statuses of a connection and of a provider room (issue 16 section 4)
	const ph = readFileSync(join(root, 'src', 'sync', 'provider.h'), 'utf8');
	const codes = /Codes:([\s\S]*?)\*\//.exec(ph);
	need.csErr_ = [...new Set([...(codes ? codes[1] : '').matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)].map((m) => m[0])), 'invalid_field'];
	need.csStatus_ = ['not_configured', 'step1_done', 'connected', 'error'];
	need.csRoomState_ = ['linked', 'ignored', 'available'];
	need.csProvider_ = ['google', 'microsoft', 'exchange'];
	assert.ok(need.right_.length > 20 && need.setting_.length >= 4 && need.zerr_.length >= 12 && need.csErr_.length >= 17, 'the catalogues were read');
	const missing = [];
	for (const [prefix, codes] of Object.entries(need))
		for (const c of codes) if (!((prefix + c) in STRINGS)) missing.push(prefix + c);
	assert.deepEqual(missing, []);
});

// every call of audit_record / audit_record_system in src/: its action (each string of a ?: too),
// its target type and, for a system entry, its `via`, read from the C source by argument position
function auditCalls(root) {
	const calls = [];
	const cfiles = [];
	(function walkC(d) {
		for (const n of readdirSync(d)) {
			const p = join(d, n);
			if (statSync(p).isDirectory()) walkC(p);
			else if (n.endsWith('.c')) cfiles.push(p);
		}
	})(join(root, 'src'));
	for (const f of cfiles) {
		const text = readFileSync(f, 'utf8');
		for (const m of text.matchAll(/\baudit_record(_system)?\s*\(/g)) {
			// the top-level arguments up to the closing parenthesis (strings and nested calls skipped over)
			const args = [];
			let depth = 1, cur = '', i = m.index + m[0].length;
			for (; i < text.length && depth; i++) {
				const c = text[i];
				if (c === '"') { const e = text.indexOf('"', i + 1); cur += text.slice(i, e + 1); i = e; continue; }
				if (c === '(') depth++;
				if (c === ')' && !--depth) break;
				if (c === ',' && depth === 1) { args.push(cur.trim()); cur = ''; } else cur += c;
			}
			args.push(cur.trim());
			if (/\bconst char \*action\b/.test(args.join(','))) continue; // the definition itself
			const sys = !!m[1];
			// a condition's strcmp(x, "…") compares, it is not what is recorded
			const strs = (a) => [...(a || '').replace(/\bstrn?cmp\s*\([^()]*\)/g, '').matchAll(/"([^"]*)"/g)].map((x) => x[1]);
			calls.push({ at: `${relative(root, f)}:${lineOf(text, m.index)}`, actions: strs(args[sys ? 3 : 2]),
				types: strs(args[sys ? 4 : 3]), via: sys ? strs(args[2]) : [] });
		}
	}
	return calls;
}

// the audit log shows every action the server writes in words, and offers it in its filter
test('every action the server records in the audit log has its text', async () => {
	const { ACTIONS, actionKey, actionText } = await import(pathToFileURL(join(src, 'admin', 'auditActions.js')).href);
	const calls = auditCalls(join(here, '..', '..'));
	assert.ok(calls.length > 50, 'the audit calls were read: ' + calls.length);
	const bad = [];
	const offered = new Set(Object.entries(ACTIONS).flatMap(([g, l]) => l.map((a) => `${g}.${a}`)));
	for (const c of calls) {
		if (!c.actions.length || !c.types.length) bad.push(`${c.at}: the action or target type is not a string literal`);
		for (const a of c.actions) {
			if (!/^[a-z_]+\.[a-z0-9_]+$/.test(a)) bad.push(`${c.at}: "${a}" is not an action code`);
			if (!(actionKey(a) in STRINGS)) bad.push(`${c.at}: ${a} has no text (${actionKey(a)} in web/src/admin/strings.js)`);
			if (!offered.has(a)) bad.push(`${c.at}: ${a} is not in the audit filter (ACTIONS in web/src/admin/auditActions.js)`);
			if (!(('ttype_' + a.split('.')[0]) in STRINGS)) bad.push(`${c.at}: the group of ${a} has no text (ttype_…)`);
		}
		for (const ty of c.types) if (!(('ttype_' + ty) in STRINGS)) bad.push(`${c.at}: target type ${ty} has no text (ttype_${ty})`);
		for (const v of c.via) if (!(('via_' + v) in STRINGS)) bad.push(`${c.at}: via ${v} has no text (via_${v})`);
	}
	for (const v of ['cookie', 'bearer', 'basic', 'system']) if (!(('via_' + v) in STRINGS)) bad.push(`via_${v} missing`);
	assert.deepEqual(bad, []);
	// an action this version does not know still reads as words, not as a code
	assert.equal(actionText('room.archive_all'), 'Room — action “archive all”');
	assert.equal(actionText('widget.spin'), 'Widget — action “spin”');
	assert.equal(actionText('reboot'), 'Action “reboot”');
	assert.equal(actionText('user.create'), 'User created');
});
