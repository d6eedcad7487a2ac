// A private, consistent copy of build/ to run the servers from. Other people may rebuild build/
// while the bench runs; a server started from the live build/ then fails to lazy-load chunks that a
// later build deleted. The copy holds build/, scripts/start.js and package.json ("type": "module"),
// with node_modules linked to the project's; servers still run with the project root as cwd, so
// data/ and relative paths resolve exactly as with `npm start`.
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from './proc.js';
import { sleep } from './http.js';

const MAX_FILES = 20_000;

/** Relative path, size and mtime of every file under `dir`, as one string (null if absent). */
export function fingerprint(dir) {
	if (!fs.existsSync(path.join(dir, 'index.js'))) return null;
	const parts = [];
	const walk = (d) => {
		for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
			if (parts.length > MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${dir}`);
			const full = path.join(d, entry.name);
			if (entry.isDirectory()) walk(full);
			else {
				const st = fs.statSync(full);
				parts.push(`${path.relative(dir, full)}:${st.size}:${st.mtimeMs}`);
			}
		}
	};
	walk(dir);
	return parts.sort().join('\n');
}

/** Read build/client/_app/version.json's version, or null. */
export function buildVersion(buildDir) {
	try {
		return JSON.parse(
			fs.readFileSync(path.join(buildDir, 'client', '_app', 'version.json'), 'utf8')
		).version;
	} catch {
		return null;
	}
}

/**
 * Copy the build once it holds still (same fingerprint before and after the copy). Up to 10
 * attempts, 2 s apart. Returns { dir, script, version, builtAt }.
 */
export async function snapshotBuild(root) {
	const buildDir = path.join(root, 'build');
	for (let attempt = 1; attempt <= 10; attempt++) {
		const before = fingerprint(buildDir);
		if (before) {
			const dir = makeTempDir('landscape-bench-build-');
			try {
				fs.cpSync(buildDir, path.join(dir, 'build'), { recursive: true });
				fs.mkdirSync(path.join(dir, 'scripts'));
				fs.copyFileSync(
					path.join(root, 'scripts', 'start.js'),
					path.join(dir, 'scripts', 'start.js')
				);
				fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
				fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
				if (fingerprint(buildDir) === before) {
					return {
						dir,
						script: path.join(dir, 'scripts', 'start.js'),
						version: buildVersion(buildDir),
						builtAt: new Date(fs.statSync(path.join(buildDir, 'index.js')).mtimeMs).toISOString()
					};
				}
			} catch {
				/* the build changed under us: try again */
			}
			removeTempDir(dir);
		}
		await sleep(2000);
	}
	throw new Error(
		'build/ kept changing (another build running?): could not take a consistent copy'
	);
}
