// Import bench (`npm run bench`, section "Import"; or `node scripts/bench/import.js` alone): a
// generated 100,000-row services CSV (fixed seed) checked (--dry-run) and imported into a fresh
// migrated and seeded SQLite database by the command-line tool (build-cli/, built if missing or
// stale), each in its own child process, so the peak RSS is the import's alone. The children run
// `main(['import', 'services', file, …])` of the CLI bundle and report the time main took (opening
// the database, reading, checking, comparing and writing the file) and
// process.resourceUsage().maxRSS. Targets (issue 5): import ≤ 2 s, dry run ≤ 1 s, peak RSS ≤ 300 MB.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { generateServicesCsv } from './services-csv.js';
import { median } from './stats.js';

const root = path.resolve(import.meta.dirname, '../..');

export const IMPORT_BENCH = { rows: 100_000, runs: 3 };
export const IMPORT_TARGETS = { importMs: 2000, dryRunMs: 1000, peakRssMb: 300 };

// ---------------------------------------------------------------------------------------------
// The bench: every run in its own child process, on its own copy of one seeded database.

/** @typedef {{ code: number, ms: number, cpuMs: number, maxRssMb: number, stdout: string, stderr: string, wallMs: number }} ChildResult */

/**
 * Run `node scripts/bench/import.js --child <db> <csv> [flags]` and return what it reports.
 * @param {string} db @param {string} csv @param {string[]} flags
 * @returns {Promise<ChildResult>}
 */
function runChildProcess(db, csv, flags) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(process.execPath, [import.meta.filename, '--child', db, csv, ...flags], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const killOnExit = () => child.kill('SIGKILL');
		process.once('exit', killOnExit);
		const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			process.off('exit', killOnExit);
			const line = out.split('\n').find((l) => l.startsWith('IMPORT_CHILD_JSON '));
			if (!line)
				return reject(
					new Error(
						`the import child exited (${code ?? signal}) without a result:\n${(err || out).slice(-1500)}`
					)
				);
			const result = JSON.parse(line.slice('IMPORT_CHILD_JSON '.length));
			resolve({ ...result, wallMs: performance.now() - started });
		});
	});
}

/** A copy of the seeded database (and its write-ahead log, if any) at `to`. */
function copyDatabase(from, to) {
	for (const suffix of ['', '-wal', '-shm'])
		if (fs.existsSync(from + suffix)) fs.copyFileSync(from + suffix, to + suffix);
	return to;
}

/** @param {ChildResult} r @param {RegExp} expected @param {string} what */
function checkResult(r, expected, what) {
	if (r.code !== 0 || !expected.test(r.stdout))
		throw new Error(
			`${what} did not do what was expected (exit ${r.code}; wanted ${expected}):\n${r.stdout}${r.stderr}`.slice(
				0,
				3000
			)
		);
	return r;
}

/** Medians and the worst RSS of a list of child results. */
function summarise(results) {
	return {
		runsMs: results.map((r) => Math.round(r.ms)),
		medianMs: median(results.map((r) => r.ms)),
		cpuMedianMs: median(results.map((r) => r.cpuMs)),
		processMedianMs: median(results.map((r) => r.wallMs)),
		maxRssMb: Math.max(...results.map((r) => r.maxRssMb))
	};
}

/**
 * The import bench: build the CLI if needed, generate the file, seed a database once, then time
 * `runs` dry runs and `runs` imports (each into a fresh copy of the seeded database) and one
 * re-import of the file with a tenth of its services renamed, into the last import's database.
 * @param {{ log?: (...args: unknown[]) => void, runs?: number, rows?: number }} [options]
 */
export async function runImportBench({
	log = () => {},
	runs = IMPORT_BENCH.runs,
	rows = IMPORT_BENCH.rows
} = {}) {
	const { ensureCliBuild } = await import('../landscape.js');
	const { makeTempDir, removeTempDir } = await import('./proc.js');
	const built = ensureCliBuild();
	const dir = makeTempDir('landscape-import-bench-');
	try {
		const generated = performance.now();
		const csv = path.join(dir, 'services-bench.csv');
		fs.writeFileSync(csv, generateServicesCsv({ rows }));
		const renamed = path.join(dir, 'services-bench-renamed.csv');
		fs.writeFileSync(renamed, generateServicesCsv({ rows, changeEvery: 10 }));
		const bytes = fs.statSync(csv).size;
		log(
			`import: generated ${rows} rows (${(bytes / 1e6).toFixed(1)} MB) in ${Math.round(performance.now() - generated)} ms`
		);
		// The seeded database every run starts from (seeding is not part of an import).
		const template = path.join(dir, 'seeded.db');
		const oneRow = path.join(dir, 'one-row.csv');
		fs.writeFileSync(oneRow, generateServicesCsv({ rows: 1 }));
		checkResult(await runChildProcess(template, oneRow, ['--dry-run']), /accepted 1,/, 'seeding');
		const accepted = new RegExp(`accepted ${rows}, rejected 0`);
		const dryRuns = [];
		const imports = [];
		let lastImport = '';
		for (let i = 0; i < runs; i++) {
			const dry = checkResult(
				await runChildProcess(copyDatabase(template, path.join(dir, `dry-${i}.db`)), csv, [
					'--dry-run'
				]),
				accepted,
				'the dry run'
			);
			dryRuns.push(dry);
			log(
				`import: dry run ${i + 1}/${runs}: ${Math.round(dry.ms)} ms (CPU ${Math.round(dry.cpuMs)} ms, peak RSS ${Math.round(dry.maxRssMb)} MB)`
			);
			lastImport = copyDatabase(template, path.join(dir, `import-${i}.db`));
			const run = checkResult(
				await runChildProcess(lastImport, csv, []),
				new RegExp(`${accepted.source}\\ndataset services-bench version 1: added ${rows},`),
				'the import'
			);
			imports.push(run);
			log(
				`import: import ${i + 1}/${runs}: ${Math.round(run.ms)} ms (CPU ${Math.round(run.cpuMs)} ms, peak RSS ${Math.round(run.maxRssMb)} MB)`
			);
		}
		const changed = Math.ceil(rows / 10);
		const reimport = checkResult(
			await runChildProcess(lastImport, renamed, []),
			new RegExp(`version 2: added 0, changed ${changed}, removed 0, unchanged ${rows - changed},`),
			'the re-import'
		);
		log(
			`import: re-import with ${changed} services renamed: ${Math.round(reimport.ms)} ms (peak RSS ${Math.round(reimport.maxRssMb)} MB)`
		);
		return {
			rows,
			bytes,
			runs,
			builtCli: built,
			dryRun: summarise(dryRuns),
			import: summarise(imports),
			reimport: { changed, ...summarise([reimport]) },
			targets: IMPORT_TARGETS
		};
	} finally {
		removeTempDir(dir);
	}
}

// ---------------------------------------------------------------------------------------------
// The child: `node scripts/bench/import.js --child <db> <csv> [--dry-run]` runs one import with the
// CLI bundle and prints one line `IMPORT_CHILD_JSON {...}`.

async function runChild([db, file, ...flags]) {
	const { CLI_BUNDLE } = await import('../landscape.js');
	process.env.LANDSCAPE_DB = db;
	const cli = await import(pathToFileURL(CLI_BUNDLE).href);
	let stdout = '';
	let stderr = '';
	const io = {
		stdout: (text) => (stdout += text),
		stderr: (text) => (stderr += text),
		readFile: (f) => fs.readFileSync(f, 'utf8'),
		writeFile: (f, text) => fs.writeFileSync(f, text)
	};
	const cpu = process.cpuUsage();
	const started = performance.now();
	const code = await cli.main(['import', 'services', file, '--dataset', 'bench', ...flags], io);
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	const cpuMs = (used.user + used.system) / 1000;
	const maxRssMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
	console.log(`IMPORT_CHILD_JSON ${JSON.stringify({ code, ms, cpuMs, maxRssMb, stdout, stderr })}`);
}

// `node scripts/bench/import.js`: this section alone.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	if (process.argv[2] === '--child') await runChild(process.argv.slice(3));
	else {
		const r = await runImportBench({ log: (...args) => console.error('bench:', ...args) });
		const ms = (v) => `${Math.round(v)} ms`;
		const verdict = (v, limit) => (v <= limit ? 'OK' : 'OVER');
		console.log(
			`Import of ${r.rows} services (${(r.bytes / 1e6).toFixed(1)} MB), medians of ${r.runs}: ` +
				`dry run ${ms(r.dryRun.medianMs)} (target ≤ ${IMPORT_TARGETS.dryRunMs} ms, ${verdict(r.dryRun.medianMs, IMPORT_TARGETS.dryRunMs)}; CPU ${ms(r.dryRun.cpuMedianMs)}), ` +
				`import ${ms(r.import.medianMs)} (target ≤ ${IMPORT_TARGETS.importMs} ms, ${verdict(r.import.medianMs, IMPORT_TARGETS.importMs)}; CPU ${ms(r.import.cpuMedianMs)}), ` +
				`peak RSS ${Math.round(Math.max(r.import.maxRssMb, r.dryRun.maxRssMb))} MB (target ≤ ${IMPORT_TARGETS.peakRssMb} MB); ` +
				`re-import with ${r.reimport.changed} renamed ${ms(r.reimport.medianMs)}`
		);
		console.log(`BENCH_IMPORT_JSON ${JSON.stringify(r)}`);
	}
}
