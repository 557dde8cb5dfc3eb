// axe-core (the accessibility rules engine) injected into a page by playwright: axeCheck(page,
// label) runs every rule axe enables by default plus the best-practice ones and throws with a
// readable list of the violations, whatever their impact.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// a test tool (tests/tools/package.json), like playwright-core
const source = readFileSync(join(here, '..', 'tools', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export async function axeViolations(page) {
	if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: source });
	return page.evaluate(async () => {
		const r = await window.axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
			resultTypes: ['violations'],
		});
		return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 300)) }));
	});
}

export async function axeCheck(page, label) {
	const v = await axeViolations(page);
	if (v.length) {
		const text = v.map((x) => `  [${x.impact}] ${x.id}: ${x.help}\n` + x.nodes.slice(0, 6).map((n) => '      ' + n).join('\n')).join('\n');
		throw new Error(`axe found ${v.length} problem(s) on ${label}:\n${text}`);
	}
}
