import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * GOV.UK Frontend still ships two Internet Explorer hacks (`min-width: 0\0`, `screen\0`) that the CSS
 * minifier cannot parse. They only ever applied to IE, so drop those rules from the compiled Sass.
 */
function dropInternetExplorerHacks(): Plugin {
	const hack =
		/@media screen(?: and \([^)]*\))* and \(min-width: 0\uFFFD\)\s*\{(?:[^{}]*\{[^{}]*\})*\s*\}|@media screen\uFFFD\s*\{(?:[^{}]*\{[^{}]*\})*\s*\}/g;
	return {
		name: 'landscape:drop-ie-hacks',
		transform(code, id) {
			if (!/\.s?css($|\?)/.test(id) || !code.includes('\uFFFD')) return null;
			return { code: code.replace(hack, ''), map: null };
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), dropInternetExplorerHacks()],
	css: {
		preprocessorOptions: {
			scss: {
				loadPaths: ['node_modules'],
				quietDeps: true
			}
		}
	},
	test: {
		include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000
	}
});
