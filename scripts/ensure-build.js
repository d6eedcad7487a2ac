// Build the app before `npm start` when there is no build yet, or when the sources are newer than it.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'build', 'index.js');

function newest(dir) {
	let latest = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
	}
	return latest;
}

const inputs = ['src', 'static', 'package.json', 'svelte.config.js', 'vite.config.ts'].map((p) =>
	path.join(root, p)
);
const sourceTime = Math.max(
	...inputs.map((p) => (fs.statSync(p).isDirectory() ? newest(p) : fs.statSync(p).mtimeMs))
);

if (!fs.existsSync(stamp) || fs.statSync(stamp).mtimeMs < sourceTime) {
	console.log('Landscape: building the app (first start, or the sources changed)…');
	execSync('npx vite build', { cwd: root, stdio: 'inherit' });
}
