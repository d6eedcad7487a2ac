// `db copy` bench (`npm run bench`, section "db copy"; or `node scripts/bench/db-copy.js` alone): a
// seeded SQLite database with the import bench's 100,000 generated services imported (by the CLI,
// not timed), copied by `landscape db copy --from sqlite:FILE --to postgres://…` into a new
// PostgreSQL database (dropped after), in a child process timed from spawn to exit: that includes
// starting Node, migrating the target, the copy and its verification. Target (issue 8): ≤ 10 s.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateServicesCsv } from './services-csv.js';
import { withPostgresDatabase } from './read-api.js';

const root = path.resolve(import.meta.dirname, '../..');

export const DB_COPY_BENCH = { services: 100_000 };
export const DB_COPY_TARGET_MS = 10_000;

/**
 * Run the CLI bundle with `args`; resolves with its exit code, output and wall time.
 * @param {string} cli @param {string[]} args @param {Record<string, string>} env
 */
function runCli(cli, args, env) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(process.execPath, [cli, ...args], {
			cwd: root,
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, out, ms: performance.now() - started });
		});
	});
}

/** @param {{ log?: (...args: unknown[]) => void, services?: number }} [options] */
export async function runDbCopyBench({ log = () => {}, services = DB_COPY_BENCH.services } = {}) {
	const { ensureCliBuild, CLI_BUNDLE } = await import('../landscape.js');
	const { makeTempDir, removeTempDir } = await import('./proc.js');
	ensureCliBuild();
	const dir = makeTempDir('landscape-db-copy-bench-');
	try {
		const source = path.join(dir, 'planner.db');
		const csv = path.join(dir, 'services.csv');
		fs.writeFileSync(csv, generateServicesCsv({ rows: services }));
		const imported = spawnSync(
			process.execPath,
			[CLI_BUNDLE, 'import', 'services', csv, '--dataset', 'bench'],
			{
				cwd: root,
				env: { ...process.env, LANDSCAPE_DB: source, DATABASE_URL: '' },
				encoding: 'utf8'
			}
		);
		if (imported.status !== 0)
			throw new Error(`the import before the copy failed:\n${imported.stdout}${imported.stderr}`);
		log(`db copy: source has the seeded data and ${services} imported services`);
		const result = await withPostgresDatabase(
			`landscape_bench_copy_${process.pid}`,
			async (url) => {
				const run = /** @type {{ code: number, out: string, ms: number }} */ (
					await runCli(CLI_BUNDLE, ['db', 'copy', '--from', `sqlite:${source}`, '--to', url], {
						DATABASE_URL: ''
					})
				);
				if (run.code !== 0 || !/every table's row count and checksum verified/.test(run.out))
					throw new Error(`db copy failed (exit ${run.code}):\n${run.out.slice(-2000)}`);
				const copied = /copied (\d+) rows in (\d+) tables/.exec(run.out);
				return { ms: run.ms, rows: Number(copied?.[1]), tables: Number(copied?.[2]) };
			}
		);
		if ('skipped' in result) return { skipped: result.skipped };
		log(`db copy: ${result.result.rows} rows in ${Math.round(result.result.ms)} ms`);
		return { services, ...result.result, targetMs: DB_COPY_TARGET_MS };
	} finally {
		removeTempDir(dir);
	}
}

// `node scripts/bench/db-copy.js`: this section alone.
if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
	const r = await runDbCopyBench({ log: (...args) => console.error('bench:', ...args) });
	if ('skipped' in r) console.log(`db copy: skipped: ${r.skipped}`);
	else
		console.log(
			`db copy of a database with ${r.services} services (${r.rows} rows, ${r.tables} tables), SQLite to PostgreSQL: ${Math.round(r.ms)} ms (target ≤ ${DB_COPY_TARGET_MS} ms, ${r.ms <= DB_COPY_TARGET_MS ? 'OK' : 'OVER'})`
		);
}
