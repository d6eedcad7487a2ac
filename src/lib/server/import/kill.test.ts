import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateServicesCsv } from '../../../../scripts/bench/services-csv.js';
import { migrateToLatest, openDatabase, type DatabaseConfig } from '../db';
import { seedDatabase } from '../seed';
import { describeEachEngine } from '../testing/engines';
import { importServices, servicesDatasetKey } from './commit';
import { databaseState } from './testing';
import { findCurrentVersion } from './versioning';

/**
 * Crash safety: an import killed (SIGKILL) while it is writing leaves the database as it was. The
 * import runs in a child process (import-child.ts, bundled here with Vite as the CLI is) against an
 * SQLite file or a PostgreSQL database; the test waits for a progress report from inside the write
 * transaction, kills the child, then opens the database again and checks it.
 */
const root = path.resolve(import.meta.dirname, '../../../..');
const DATASET = 'Killed import';
const ROWS = 40_000;
let dir: string;
let bundleDir: string;
let child: string;
let bigFile: string;

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-kill-'));
	// Inside the project, so the bundle's imports of node_modules resolve.
	bundleDir = path.join(root, 'node_modules', '.cache', 'landscape-kill-test', String(process.pid));
	await build({
		configFile: false,
		root,
		publicDir: false,
		envDir: false,
		logLevel: 'warn',
		resolve: { alias: { $lib: path.join(root, 'src/lib') } },
		build: {
			ssr: true,
			target: 'node20',
			outDir: bundleDir,
			emptyOutDir: true,
			minify: false,
			copyPublicDir: false,
			rolldownOptions: {
				input: { 'import-child': path.join(import.meta.dirname, 'import-child.ts') },
				external: [...builtinModules, /^node:/],
				output: { format: 'es', entryFileNames: '[name].js' }
			}
		},
		ssr: { external: true, target: 'node' }
	});
	child = path.join(bundleDir, 'import-child.js');
	bigFile = path.join(dir, 'version-2.csv');
	fs.writeFileSync(bigFile, generateServicesCsv({ rows: ROWS, prefix: 'KILL' }));
}, 240_000);

afterAll(() => {
	if (dir) fs.rmSync(dir, { recursive: true, force: true });
	if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
});

interface ChildRun {
	output: string;
	code: number | null;
	signal: NodeJS.Signals | null;
}

/** What the child is given: the SQLite file, or the PostgreSQL URL. */
const target = (config: DatabaseConfig) => (config.engine === 'sqlite' ? config.file : config.url);

/** Run the child; `killWhen` is checked on each line of its output, and a true kills it (SIGKILL). */
function runChild(
	config: DatabaseConfig,
	killWhen: (line: string) => boolean = () => false
): Promise<ChildRun> {
	return new Promise((resolve, reject) => {
		const proc = spawn(process.execPath, [child, target(config), bigFile, DATASET], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		let pending = '';
		proc.stdout.setEncoding('utf8');
		proc.stdout.on('data', (chunk: string) => {
			output += chunk;
			pending += chunk;
			const lines = pending.split('\n');
			pending = lines.pop()!;
			if (proc.exitCode === null && !proc.killed && lines.some(killWhen)) proc.kill('SIGKILL');
		});
		proc.stderr.on('data', (chunk) => (output += String(chunk)));
		proc.on('error', reject);
		proc.on('close', (code, signal) => resolve({ output, code, signal }));
	});
}

const writingLine = /^PROGRESS (.*"phase":"writing".*)$/;

describeEachEngine('an import killed part-way through its write', (engine) => {
	let config: DatabaseConfig;
	let before: Record<string, number | string>;

	// A seeded database whose dataset has a current version 1, closed before the child opens it.
	beforeAll(async () => {
		config = await engine.emptyDatabase();
		const db = openDatabase(config);
		try {
			await migrateToLatest(db);
			await seedDatabase(db);
			const first = await importServices(
				db,
				Buffer.from(generateServicesCsv({ rows: 500, seed: 7, prefix: 'KILL' })),
				{ fileName: 'version-1.csv', datasetName: DATASET }
			);
			expect(first.status).toBe('imported');
			before = await databaseState(db);
		} finally {
			await db.destroy();
		}
	}, 240_000);

	/**
	 * The database opened afresh: SQLite's integrity check, or on PostgreSQL the sessions still open
	 * on it (the killed child's must be gone, its transaction rolled back and its lock released).
	 */
	async function openedState() {
		const db = openDatabase(config);
		try {
			const integrity =
				engine.engine === 'sqlite'
					? (await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db)).rows
					: [{ integrity_check: 'ok' }];
			const current = await findCurrentVersion(db, servicesDatasetKey(DATASET));
			return { integrity, current, state: await databaseState(db) };
		} finally {
			await db.destroy();
		}
	}

	/** Other sessions on the PostgreSQL database, and the advisory locks they hold. */
	async function otherSessions() {
		const db = openDatabase(config);
		try {
			const sessions = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
				where datname = current_database() and backend_type = 'client backend'
				and pid <> pg_backend_pid()`.execute(db);
			const locks = await sql<{ n: number }>`select count(*)::int as n from pg_locks l
				join pg_database d on d.oid = l.database
				where l.locktype = 'advisory' and d.datname = current_database()`.execute(db);
			return { sessions: sessions.rows[0]!.n, advisoryLocks: locks.rows[0]!.n };
		} finally {
			await db.destroy();
		}
	}

	it('leaves the database intact: version 1 still current, no row added', async () => {
		// SQLite: by 24,000 rows the transaction has outgrown the page cache, so its pages are in the
		// log. PostgreSQL: two batches written into the open transaction are enough.
		const killAt = engine.engine === 'sqlite' ? 24_000 : 4_000;
		const killed = await runChild(config, (line) => {
			const m = writingLine.exec(line);
			if (!m) return false;
			const progress = JSON.parse(m[1]!) as { rowsDone: number; rowsTotal: number | null };
			return progress.rowsDone >= killAt && progress.rowsDone < (progress.rowsTotal ?? Infinity);
		});
		expect(killed.signal, killed.output.slice(-2000)).toBe('SIGKILL');
		expect(killed.output.split('\n').filter((l) => writingLine.test(l)).length).toBeGreaterThan(0);
		expect(killed.output).not.toMatch(/^DONE/m);
		if (config.engine === 'sqlite')
			// The write-ahead log holds pages of the killed transaction, never committed.
			expect(fs.statSync(`${config.file}-wal`).size).toBeGreaterThan(0);
		else
			// The server ends the dead client's session, rolling back its transaction and releasing
			// the dataset lock, so the next import need not wait.
			await expect
				.poll(otherSessions, { timeout: 30_000, interval: 200 })
				.toEqual({ sessions: 0, advisoryLocks: 0 });

		const after = await openedState();
		expect(after.integrity).toEqual([{ integrity_check: 'ok' }]);
		expect(after.current?.version).toBe(1);
		expect(after.state).toEqual(before);
	}, 180_000);

	it('control: the same import left to finish adds version 2', async () => {
		const finished = await runChild(config);
		expect(finished.code, finished.output.slice(-2000)).toBe(0);
		expect(finished.output).toMatch(/^DONE \{"status":"imported","version":2/m);
		const after = await openedState();
		expect(after.integrity).toEqual([{ integrity_check: 'ok' }]);
		expect(after.current?.version).toBe(2);
		expect(after.state.services).toBe(Number(before.services) + ROWS);
	}, 300_000);
});
