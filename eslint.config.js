import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'build-cli/',
			'.svelte-kit/',
			'node_modules/',
			'var/',
			'test-results/',
			'playwright-report/',
			'data/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: { allowDefaultProject: ['playwright.config.ts', 'vite.cli.config.ts'] },
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			// Landscape is always served at the root path (no kit.paths.base), so plain hrefs are correct.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	{
		// Migrations are frozen in time and must not import the app's schema types: Kysely<any> is the documented form.
		files: ['src/lib/server/db/migrations/**'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	},
	{
		// The planning model is pure: no Svelte, no SvelteKit, no database, no I/O.
		files: ['src/lib/domain/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/server/*', '$lib/components/*', '$app/*', 'svelte', 'svelte/*'],
							message: 'domain/ is pure TypeScript.'
						},
						{
							group: ['node:*', 'fs', 'path', 'better-sqlite3', 'kysely', 'leaflet'],
							message: 'domain/ does no I/O.'
						},
						{ group: ['../server/*', '../components/*'], message: 'domain/ imports only itself.' }
					]
				}
			]
		}
	}
);
