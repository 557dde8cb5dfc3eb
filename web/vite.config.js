// Vite build of the web app: Preact JSX through Vite's own oxc transform (no React plugin). Two
// pages: index.html (the admin center, the sign-in, the calendar and the door screen) and
// portal.html (a company's support portal, for customers; convene serves it for /portal/...);
// scripts/audiences.mjs fails the build if the portal's chunks hold the admin center's code.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { audiences } from './scripts/audiences.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
	oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
	plugins: [audiences(here('./src'))],
	build: {
		outDir: 'dist', emptyOutDir: true, sourcemap: false,
		rolldownOptions: {
			input: { main: here('./index.html'), portal: here('./portal.html') },
			// the chunk both pages share (Preact and lib/) is named for what it is, not after a module in it
			output: { chunkFileNames: (c) => (!c.isDynamicEntry && c.moduleIds.some((id) => id.includes('/src/lib/')) ? 'assets/lib-[hash].js' : 'assets/[name]-[hash].js') },
		},
	},
	server: { proxy: { '/api': 'http://127.0.0.1:8080', '/oauth': 'http://127.0.0.1:8080' } },
});
