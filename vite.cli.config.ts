import path from 'node:path';
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

/**
 * Builds the `landscape` command-line tool (`npm run landscape -- <command> …`) for Node:
 * build-cli/landscape.js, one ES module with node builtins and every package in node_modules left
 * as imports. The app's own TypeScript (`$lib/…`) is bundled in. SvelteKit is not involved, so code
 * reached from the CLI must not import `$app/*` or `$env/*`. scripts/landscape.js runs this build
 * when build-cli/ is missing or older than src/.
 */
const root = import.meta.dirname;

export default defineConfig({
	root,
	// No public/ copying and no .env loading: this is a library build.
	publicDir: false,
	envDir: false,
	logLevel: 'warn',
	resolve: { alias: { $lib: path.join(root, 'src/lib') } },
	build: {
		ssr: true,
		target: 'node20',
		outDir: 'build-cli',
		emptyOutDir: true,
		minify: false,
		sourcemap: false,
		copyPublicDir: false,
		rolldownOptions: {
			input: { landscape: path.join(root, 'src/lib/server/access/cli.ts') },
			external: [...builtinModules, /^node:/],
			output: { format: 'es', entryFileNames: '[name].js' }
		}
	},
	// Every dependency stays an import of node_modules (better-sqlite3 is native and cannot be bundled).
	ssr: { external: true, target: 'node' }
});
