import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServicesCsv } from '../../../../scripts/bench/services-csv.js';
import { migrateToLatest, openSqlite } from '../db';
import { seedDatabase } from '../seed';
import { importServices, servicesDatasetKey } from './commit';
import { databaseState } from './testing';
import { findCurrentVersion } from './versioning';

/**
 * Crash safety: an import killed (SIGKILL) while it is writing leaves the database as it was. The
 * import runs in a child process (import-child.ts, bundled here with Vite as the CLI is) against a
 * SQLite file; the test waits for a progress report from inside the write transaction, kills the
 * child, then checks the file.
 */
const root = path.resolve(import.meta.dirname, '../../../..');
const DATASET = 'Killed import';
let dir: string;
let bundleDir: string;
let child: string;
let database: string;
let bigFile: string;
let before: Record<string, number | string>;

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

	// A seeded database whose dataset has a current version 1, closed before the child opens it.
	database = path.join(dir, 'landscape.db');
	const db = openSqlite(database);
	await migrateToLatest(db);
	await seedDatabase(db);
	const first = await importServices(
		db,
		Buffer.from(generateServicesCsv({ rows: 500, seed: 7, prefix: 'KILL' })),
		{ fileName: 'version-1.csv', datasetName: DATASET }
	);
	expect(first.status).toBe('imported');
	before = await databaseState(db);
	await db.destroy();
	bigFile = path.join(dir, 'version-2.csv');
	fs.writeFileSync(bigFile, generateServicesCsv({ rows: 40_000, prefix: 'KILL' }));
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

/** Run the child; `killWhen` is checked on each line of its output, and a true kills it (SIGKILL). */
function runChild(killWhen: (line: string) => boolean = () => false): Promise<ChildRun> {
	return new Promise((resolve, reject) => {
		const proc = spawn(process.execPath, [child, database, bigFile, DATASET], {
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

async function openedState() {
	const db = openSqlite(database);
	try {
		const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
		const current = await findCurrentVersion(db, servicesDatasetKey(DATASET));
		return { integrity: integrity.rows, current, state: await databaseState(db) };
	} finally {
		await db.destroy();
	}
}

describe('an import killed part-way through its write', () => {
	it('leaves the database intact: integrity ok, version 1 still current, no row added', async () => {
		const killed = await runChild((line) => {
			const m = writingLine.exec(line);
			if (!m) return false;
			const progress = JSON.parse(m[1]!) as { rowsDone: number; rowsTotal: number | null };
			// By then the transaction has outgrown SQLite's page cache, so its pages are in the log.
			return progress.rowsDone >= 24_000 && progress.rowsDone < (progress.rowsTotal ?? Infinity);
		});
		expect(killed.signal, killed.output.slice(-2000)).toBe('SIGKILL');
		expect(killed.output.split('\n').filter((l) => writingLine.test(l)).length).toBeGreaterThan(0);
		expect(killed.output).not.toMatch(/^DONE/m);
		// The write-ahead log holds pages of the killed transaction, never committed.
		expect(fs.statSync(`${database}-wal`).size).toBeGreaterThan(0);

		const after = await openedState();
		expect(after.integrity).toEqual([{ integrity_check: 'ok' }]);
		expect(after.current?.version).toBe(1);
		expect(after.state).toEqual(before);
	}, 180_000);

	it('control: the same import left to finish adds version 2', async () => {
		const finished = await runChild();
		expect(finished.code, finished.output.slice(-2000)).toBe(0);
		expect(finished.output).toMatch(/^DONE \{"status":"imported","version":2/m);
		const after = await openedState();
		expect(after.integrity).toEqual([{ integrity_check: 'ok' }]);
		expect(after.current?.version).toBe(2);
		expect(after.state.services).toBe(Number(before.services) + 40_000);
	}, 180_000);
});
