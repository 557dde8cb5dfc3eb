// A build check (a Vite plugin, run by every build): the portal's page (portal.html, for customers)
// must never load the code of the admin center, the sign-in, the calendar or the door screen. It
// follows the portal entry's chunks through their static and dynamic imports and fails the build
// when one of them holds a module of a forbidden area.
import { relative, sep } from 'node:path';

// entry name (vite.config.js input) -> the src/ folders none of its chunks may hold; main.jsx
// (the app's shell) is the admin center's entry
const FORBIDDEN = { portal: ['admin', 'signin', 'calendar', 'display', 'main.jsx'] };

export function audiences(srcDir) {
	return {
		name: 'convene-audiences',
		generateBundle(_options, bundle) {
			const bad = [];
			for (const chunk of Object.values(bundle)) {
				if (chunk.type !== 'chunk' || !chunk.isEntry || !FORBIDDEN[chunk.name]) continue;
				const seen = new Set();
				const todo = [chunk.fileName];
				while (todo.length) {
					const c = bundle[todo.pop()];
					if (!c || c.type !== 'chunk' || seen.has(c.fileName)) continue;
					seen.add(c.fileName);
					todo.push(...c.imports, ...c.dynamicImports);
					for (const id of c.moduleIds) {
						const rel = relative(srcDir, id.split('?')[0]);
						if (rel.startsWith('..')) continue; // node_modules, Vite's own helpers
						if (FORBIDDEN[chunk.name].includes(rel.split(sep)[0])) bad.push(`${chunk.name}: ${c.fileName} holds src/${rel}`);
					}
				}
				if (!seen.size) bad.push(`${chunk.name}: its chunks were not found`);
			}
			if (bad.length) this.error('an entry loads code of an area it must not:\n' + bad.join('\n'));
		},
	};
}
