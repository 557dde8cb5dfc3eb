// Vite build of the admin center: Preact JSX through Vite's own oxc transform (no React plugin).
import { defineConfig } from 'vite';

export default defineConfig({
	oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
	build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
	server: { proxy: { '/api': 'http://127.0.0.1:8080', '/oauth': 'http://127.0.0.1:8080' } },
});
