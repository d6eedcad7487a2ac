// `npm run landscape -- <command> [flags]`: the Landscape command-line tool. The commands are
// TypeScript in src/lib/server/access/ (cli.ts), which Node 20 cannot run, so this script first
// builds them with Vite (vite.cli.config.ts) into build-cli/landscape.js when that is missing or
// older than src/, then runs it with the given arguments. Build output goes to stderr, so the
// command's standard output stays clean for piping.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
export const CLI_BUNDLE = path.join(root, 'build-cli', 'landscape.js');
const INPUTS = ['src', 'vite.cli.config.ts', 'package.json'];

/** @param {string} p @returns {number} the newest modification time under `p`, in ms */
function newest(p) {
	const stat = fs.statSync(p);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const entry of fs.readdirSync(p)) latest = Math.max(latest, newest(path.join(p, entry)));
	return latest;
}

/** @returns {boolean} true when build-cli/landscape.js is missing or older than its sources */
export function cliBuildIsStale() {
	if (!fs.existsSync(CLI_BUNDLE)) return true;
	const built = fs.statSync(CLI_BUNDLE).mtimeMs;
	return INPUTS.some((input) => newest(path.join(root, input)) > built);
}

/**
 * Build build-cli/landscape.js if it is stale. The build goes to a private folder first and the
 * bundle is then renamed into place, so a run that starts meanwhile never sees half a file.
 * @returns {boolean} whether it built
 */
export function ensureCliBuild() {
	if (!cliBuildIsStale()) return false;
	console.error('landscape: building the command-line tool (build-cli/ is missing or stale)…');
	const staging = path.join(root, 'node_modules', '.cache', 'landscape-cli', String(process.pid));
	try {
		const result = spawnSync(
			'npx',
			['vite', 'build', '-c', 'vite.cli.config.ts', '--outDir', staging, '--emptyOutDir'],
			{ cwd: root, stdio: ['ignore', 2, 2], timeout: 5 * 60_000 }
		);
		const built = path.join(staging, 'landscape.js');
		if (result.status !== 0 || !fs.existsSync(built))
			throw new Error(
				`the build failed (npx vite build -c vite.cli.config.ts exited ${result.status ?? result.signal})`
			);
		fs.mkdirSync(path.dirname(CLI_BUNDLE), { recursive: true });
		fs.renameSync(built, CLI_BUNDLE);
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
	return true;
}

async function run() {
	try {
		ensureCliBuild();
	} catch (err) {
		console.error(`landscape: ${err instanceof Error ? err.message : err}`);
		process.exitCode = 1;
		return;
	}
	/** @type {{ main: (argv: readonly string[]) => Promise<number> }} */
	const cli = await import(pathToFileURL(CLI_BUNDLE).href);
	process.exitCode = await cli.main(process.argv.slice(2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
	await run();
