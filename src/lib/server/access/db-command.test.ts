import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite } from '../db';
import { migrations } from '../db/migrations';
import { EXIT_INVALID_DATA, EXIT_OK, EXIT_USAGE } from './cli-kit';
import { main } from './cli';
import { parseDbArgs } from './db-command';
import { cliRecorder, runLandscape } from './cli-testing';

const root = path.resolve(import.meta.dirname, '../../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-db-command-'));
const at = (name: string) => path.join(dir, name);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const recorder = cliRecorder;

const landscape = (...argv: string[]) => runLandscape('db', ...argv);

/** A migrated (unseeded) Landscape database file, with `rows` illustrative probe rows. */
async function landscapeDb(file: string, rows = 0): Promise<void> {
	const db = openSqlite(file);
	await migrateToLatest(db);
	await db.destroy();
	const sqlite = new SQLite(file);
	sqlite.exec(
		'create table backup_probe (id integer primary key, batch integer not null, filler text not null);' +
			'create table backup_probe_total (n integer not null); insert into backup_probe_total values (0);'
	);
	const insert = sqlite.prepare('insert into backup_probe (batch, filler) values (0, ?)');
	sqlite.transaction(() => {
		for (let i = 0; i < rows; i++) insert.run('x'.repeat(400));
		sqlite.prepare('update backup_probe_total set n = ?').run(rows);
	})();
	sqlite.close();
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function probe(file: string): { rows: number; total: number; partialBatches: number; ok: string } {
	// read-write, so closing it removes the -wal and -shm files a WAL database opens with
	const sqlite = new SQLite(file, { fileMustExist: true });
	try {
		return {
			ok: sqlite.pragma('integrity_check', { simple: true }) as string,
			rows: (sqlite.prepare('select count(*) as n from backup_probe').get() as { n: number }).n,
			total: (sqlite.prepare('select n from backup_probe_total').get() as { n: number }).n,
			// every batch is committed whole: a snapshot never holds part of one
			partialBatches: (
				sqlite
					.prepare(
						'select count(*) as n from (select batch from backup_probe where batch > 0 group by batch having count(*) <> 25)'
					)
					.get() as { n: number }
			).n
		};
	} finally {
		sqlite.close();
	}
}

describe('parseDbArgs', () => {
	it('reads the action, the file and --database in any order', () => {
		expect(parseDbArgs(['backup', 'b.db'])).toEqual({
			help: false,
			args: { action: 'backup', file: 'b.db' }
		});
		expect(parseDbArgs(['--database', 'app.db', 'restore', 'b.db'])).toEqual({
			help: false,
			args: { action: 'restore', file: 'b.db', database: 'app.db' }
		});
		expect(parseDbArgs(['check', 'b.db', '--database=x.db']).args?.database).toBe('x.db');
		expect(parseDbArgs(['restore', '--help']).help).toBe(true);
	});

	it.each([
		[[], /which action\? One of: backup, check, restore/],
		[['bakup', 'b.db'], /unknown action 'bakup'. Did you mean 'backup'\?/],
		[['restore'], /which file\? db restore <file>/],
		[['backup', 'a.db', 'b.db'], /unexpected argument 'b.db'/],
		[['backup', 'a.db', '--databse', 'x'], /unknown flag --databse. Did you mean --database\?/],
		[['backup', 'a.db', '--database'], /--database needs a value/],
		[['backup', 'a.db', '--database', 'x', '--database', 'y'], /given twice/]
	])('%j is a usage error', (argv, message) => {
		expect(() => parseDbArgs(argv)).toThrow(message);
	});
});

describe('landscape db backup', () => {
	it('lists db among the commands and explains it', async () => {
		const { io, out } = recorder();
		expect(await main(['help', 'db'], io)).toBe(EXIT_OK);
		expect(out.stdout).toContain('db backup <file>');
		expect(out.stdout).toContain('stop Landscape first');
	});

	it('copies a database and checks the copy', async () => {
		await landscapeDb(at('small.db'), 100);
		const result = await landscape('backup', at('small-backup.db'), '--database', at('small.db'));
		expect(result.stderr).toBe('');
		expect(result.code).toBe(EXIT_OK);
		expect(result.stdout).toMatch(/^backed up .*small\.db to .*small-backup\.db in \d+ ms\n/);
		expect(result.stdout).toContain('integrity ok');
		expect(probe(at('small-backup.db'))).toEqual({
			ok: 'ok',
			rows: 100,
			total: 100,
			partialBatches: 0
		});
		// one self-contained file: no journal, no temporary file left
		expect(fs.readdirSync(dir).filter((n) => n.startsWith('small-backup'))).toEqual([
			'small-backup.db'
		]);
	});

	it('refuses to overwrite a file, and says when there is no database', async () => {
		await landscapeDb(at('exists.db'));
		const before = sha256(at('exists.db'));
		const overwrite = await landscape('backup', at('exists.db'), '--database', at('small.db'));
		expect(overwrite.code).toBe(EXIT_USAGE);
		expect(overwrite.stderr).toContain('already exists; give the backup a new file name');
		expect(sha256(at('exists.db'))).toBe(before);

		const none = await landscape('backup', at('none-backup.db'), '--database', at('missing.db'));
		expect(none.code).toBe(EXIT_INVALID_DATA);
		expect(none.stderr).toMatch(/missing\.db: no database there/);
		expect(fs.existsSync(at('none-backup.db'))).toBe(false);

		const folder = await landscape('backup', at('no/such/b.db'), '--database', at('small.db'));
		expect(folder.code).toBe(EXIT_USAGE);
		expect(folder.stderr).toContain('no such folder');
	});
});

describe('a backup taken during a write-heavy run', () => {
	const source = at('busy.db');
	const stopFile = at('busy.stop');
	let writer: ChildProcess;
	let writerDone: Promise<number>;

	beforeAll(async () => {
		// ~10 MB to copy, so the backup takes long enough for the writer to commit during it
		await landscapeDb(source, 20_000);
		// Another process writes batches of 25 rows and bumps the total, each batch one transaction,
		// as fast as it can until told to stop.
		const script = `
			const SQLite = require('better-sqlite3');
			const fs = require('node:fs');
			const db = new SQLite(process.env.DB, { timeout: 5000 });
			db.pragma('journal_mode = WAL');
			const insert = db.prepare('insert into backup_probe (batch, filler) values (?, ?)');
			const bump = db.prepare('update backup_probe_total set n = n + 25');
			const batch = db.transaction((b) => { for (let i = 0; i < 25; i++) insert.run(b, 'y'.repeat(400)); bump.run(); });
			let b = 0;
			process.stdout.write('writing\\n');
			while (!fs.existsSync(process.env.STOP)) batch(++b);
			db.close();
			process.stdout.write('batches ' + b + '\\n');
		`;
		writer = spawn(process.execPath, ['-e', script], {
			cwd: root,
			env: { ...process.env, DB: source, STOP: stopFile },
			stdio: ['ignore', 'pipe', 'inherit']
		});
		writerDone = new Promise((resolve) => writer.on('exit', (code) => resolve(code ?? -1)));
		await new Promise<void>((resolve) =>
			writer.stdout!.on('data', (chunk: Buffer) => {
				if (chunk.toString().includes('writing')) resolve();
			})
		);
		// let it get going
		await new Promise((resolve) => setTimeout(resolve, 200));
	}, 60_000);

	afterAll(async () => {
		fs.writeFileSync(stopFile, '');
		await writerDone;
	});

	it('restores to a consistent database holding a committed state', async () => {
		const live = new SQLite(source, { readonly: true });
		const count = () =>
			(live.prepare('select count(*) as n from backup_probe').get() as { n: number }).n;
		const before = count();
		const result = await landscape('backup', at('busy-backup.db'), '--database', source);
		const after = count();
		live.close();
		expect(result.stderr).toBe('');
		expect(result.code).toBe(EXIT_OK);
		// the writer really was writing while the backup ran
		expect(after).toBeGreaterThan(before);

		fs.writeFileSync(stopFile, '');
		expect(await writerDone).toBe(0);

		// Restore it over an app database (stopped) that holds something else.
		const target = at('app.db');
		await landscapeDb(target, 3);
		const restored = await landscape('restore', at('busy-backup.db'), '--database', target);
		expect(restored.stderr).toBe('');
		expect(restored.code).toBe(EXIT_OK);
		expect(restored.stdout).toContain('integrity ok');
		expect(restored.stdout).toMatch(/the previous database is kept as .*app\.db\.before-restore-/);

		const state = probe(target);
		expect(state.ok).toBe('ok');
		expect(state.partialBatches).toBe(0);
		expect(state.rows).toBe(state.total);
		expect(state.rows).toBeGreaterThanOrEqual(before);
		expect(state.rows).toBeLessThanOrEqual(after);
		expect(state.rows).toBeGreaterThan(20_000);
		// the kept database is the one that was there
		const kept = fs.readdirSync(dir).find((n) => n.startsWith('app.db.before-restore-'))!;
		expect(probe(path.join(dir, kept)).rows).toBe(3);
		// and the restored database opens as the app opens it
		const db = openSqlite(target);
		expect(await migrateToLatest(db)).toEqual([]);
		await db.destroy();
	}, 60_000);
});

describe('landscape db restore refuses a bad file and leaves the database untouched', () => {
	const target = at('keep.db');
	let before: string;
	beforeAll(async () => {
		await landscapeDb(target, 10);
		before = sha256(target);
	});

	async function refused(file: string, message: RegExp) {
		const result = await landscape('restore', file, '--database', target);
		expect(result.code).toBe(EXIT_INVALID_DATA);
		expect(result.stderr).toMatch(message);
		expect(result.stdout).toBe('');
		expect(sha256(target)).toBe(before);
		expect(probe(target).rows).toBe(10);
		expect(fs.readdirSync(dir).filter((n) => n.startsWith('keep.db'))).toEqual(['keep.db']);
	}

	it('refuses a file that is not a database', async () => {
		fs.writeFileSync(at('notes.db'), 'pdu,caseload\nN54DUR,1200\n'.repeat(200));
		await refused(at('notes.db'), /notes\.db: not an SQLite database/);
		fs.writeFileSync(at('empty.db'), '');
		await refused(at('empty.db'), /empty\.db: the file is empty/);
	});

	it('refuses a corrupt database', async () => {
		await landscapeDb(at('corrupt.db'), 2000);
		const bytes = fs.readFileSync(at('corrupt.db'));
		// scribble over a run of pages in the middle of the file (leaving the header intact)
		const half = Math.floor(bytes.length / 2);
		bytes.fill(0x5a, half, half + 3 * 4096);
		fs.writeFileSync(at('corrupt.db'), bytes);
		await refused(
			at('corrupt.db'),
			/corrupt\.db: (the integrity check failed|the database is corrupt)/
		);
	});

	it('refuses an SQLite database that is not a Landscape one', async () => {
		const other = new SQLite(at('other.db'));
		other.exec('create table things (id integer primary key, name text)');
		other.close();
		await refused(
			at('other.db'),
			/other\.db: not a Landscape database \(it has no kysely_migration, datasets, dataset_versions tables\)/
		);
	});

	it('refuses a database made by a newer Landscape', async () => {
		await landscapeDb(at('newer.db'));
		const newer = new SQLite(at('newer.db'));
		newer
			.prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
			.run('2099_01_01_0001_from_the_future', new Date().toISOString());
		newer.close();
		await refused(
			at('newer.db'),
			/newer\.db: made by a newer Landscape: this build does not have migration 2099_01_01_0001_from_the_future/
		);
	});

	it('refuses while the app database is open', async () => {
		await landscapeDb(at('good.db'), 5);
		const app = openSqlite(target);
		await migrateToLatest(app);
		try {
			const result = await landscape('restore', at('good.db'), '--database', target);
			expect(result.code).toBe(EXIT_INVALID_DATA);
			expect(result.stderr).toMatch(/keep\.db: the database is in use; stop Landscape/);
		} finally {
			await app.destroy();
		}
		expect(probe(target).rows).toBe(10);
		expect(fs.readdirSync(dir).filter((n) => n.startsWith('keep.db'))).toEqual(['keep.db']);
	});

	it('checks a backup without restoring it', async () => {
		const good = await landscape('check', at('good.db'));
		expect(good.code).toBe(EXIT_OK);
		expect(good.stdout).toContain('a Landscape database this build can restore');
		expect(good.stdout).toContain(`last migration ${Object.keys(migrations).at(-1)}`);
		const bad = await landscape('check', at('other.db'));
		expect(bad.code).toBe(EXIT_INVALID_DATA);
		expect(bad.stderr).toContain('not a Landscape database');
		const missing = await landscape('restore', at('nowhere.db'), '--database', target);
		expect(missing.code).toBe(EXIT_USAGE);
		expect(missing.stderr).toContain('no such file');
		expect(probe(target).rows).toBe(10);
	});
});
