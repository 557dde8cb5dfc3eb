// The web app's layout (docs/coding.md "Web app"), checked without a browser: web/src/ is laid out by
// audience (admin, signin, calendar, conferences, display, portal, support) over lib/; an audience's files import their own
// folder and lib/ only, lib/ only itself; and every file follows the one naming rule: PascalCase.jsx
// for a file named after its page or widget, camelCase otherwise, .js files holding no JSX.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const src = join(web, 'src');
const { parseAst } = await import(pathToFileURL(join(web, 'node_modules', 'rolldown', 'dist', 'parse-ast-index.mjs')).href);
const AREAS = ['admin', 'calendar', 'conferences', 'display', 'lib', 'portal', 'signin', 'support'];

const files = [];
(function walk(d) {
	for (const n of readdirSync(d)) {
		const p = join(d, n);
		if (statSync(p).isDirectory()) walk(p);
		else files.push(p);
	}
})(src);
const areaOf = (f) => { const r = relative(src, f).split(sep); return r.length === 1 ? '' : r[0]; };

test('web/src holds the audiences, lib/ and the entries', () => {
	const dirs = readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory()).sort();
	assert.deepEqual(dirs, AREAS);
	assert.deepEqual(files.filter((f) => !areaOf(f)).map((f) => relative(src, f)).sort(), ['main.jsx', 'style.css']);
});

test('every file follows the naming rule', () => {
	const bad = [];
	for (const f of files) {
		const name = f.split(sep).pop();
		if (!/^([A-Z][A-Za-z0-9]*\.jsx|[a-z][A-Za-z0-9]*\.(js|jsx|css))$/.test(name)) bad.push(`${relative(src, f)}: not PascalCase.jsx or camelCase`);
		if (name.endsWith('.js')) {
			const ast = parseAst(readFileSync(f, 'utf8'), { lang: 'jsx' });
			if (JSON.stringify(ast).includes('"JSXElement"') || JSON.stringify(ast).includes('"JSXFragment"')) bad.push(`${relative(src, f)}: holds JSX, so .jsx`);
		}
	}
	assert.deepEqual(bad, []);
});

test('an audience imports its own folder and lib/ only; lib/ only itself', () => {
	const bad = [];
	for (const f of files.filter((x) => /\.jsx?$/.test(x) && areaOf(x))) {
		const area = areaOf(f);
		const text = readFileSync(f, 'utf8');
		for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.[^']*)'/g)) {
			const target = resolve(dirname(f), m[1]);
			const to = relative(src, target).split(sep);
			const ok = to.length === 1 ? to[0] === 'style.css' && area !== 'lib' : to[0] === area || to[0] === 'lib';
			if (!ok) bad.push(`${relative(src, f)} imports ${m[1]}`);
		}
	}
	assert.deepEqual(bad, []);
});
