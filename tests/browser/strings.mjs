// The web app's translation tables (web/src/lib/strings.js and each area's strings.js), read by the
// tests without a browser: every table by area, all of them together, and which tables the code of
// a source file may use (lib's own, plus its area's: a page carries only its area's table).
import { readdirSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'src');
export const { LANGS } = await import(pathToFileURL(join(src, 'lib', 'i18n.js')).href);

// area -> its table; lib's is 'common'
export const TABLES = { common: (await import(pathToFileURL(join(src, 'lib', 'strings.js')).href)).STRINGS };
for (const d of readdirSync(src, { withFileTypes: true }))
	if (d.isDirectory() && d.name !== 'lib' && existsSync(join(src, d.name, 'strings.js')))
		TABLES[d.name] = (await import(pathToFileURL(join(src, d.name, 'strings.js')).href)).STRINGS;

// every key once, whichever table holds it
export const STRINGS = Object.assign({}, ...Object.values(TABLES));

// the tables a source file may take its texts from: main.jsx (the app's shell) registers the
// admin center's and the sign-in's
export function tablesFor(file) {
	const rel = relative(src, file).split(/[\\/]/);
	if (rel.length === 1) return rel[0] === 'main.jsx' ? ['common', 'admin', 'signin'] : ['common'];
	return rel[0] === 'lib' ? ['common'] : ['common', rel[0]];
}
