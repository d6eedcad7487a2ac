import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { suggestNearest } from '../api/suggest';
import { databaseConfig, databasePath } from '../context';
import {
	databaseConfigFromEnv,
	describeDatabase,
	migrateToLatest,
	openDatabase,
	type DatabaseConfig
} from '../db';
import { CopyError, copyDatabase } from '../db/copy';
import { migrations } from '../db/migrations';
import { isSeeded, seedDatabase } from '../seed';
import { DataError, UsageError, type CliCommand, type CliIo } from './cli-kit';

/**
 * `landscape db`: bring the app's database (SQLite or PostgreSQL) up to date and seed it, back up
 * the app's SQLite database while the app runs, check a backup, and restore one (with the app stopped). A backup uses SQLite's online backup API, which copies a
 * consistent snapshot page by page without stopping writers; a restore checks the file first and
 * then swaps it in with a rename, so the app database is never half-written.
 */

const ACTIONS = ['backup', 'check', 'restore', 'migrate', 'seed', 'copy'] as const;
type Action = (typeof ACTIONS)[number];
/** The actions on a backup file (SQLite only). */
const FILE_ACTIONS: readonly Action[] = ['backup', 'check', 'restore'];

/** Tables every Landscape database has, whatever its age. */
const REQUIRED_TABLES = ['kysely_migration', 'datasets', 'dataset_versions'] as const;

/** How long restore waits for another connection to let go before calling the database in use (ms). */
const IN_USE_TIMEOUT_MS = 1000;

const FLAGS = [
	{
		name: 'database',
		value: 'FILE|URL',
		description:
			'the app database (default: DATABASE_URL, else LANDSCAPE_DB, else var/landscape.db); migrate and seed also take a postgres:// URL'
	},
	{
		name: 'from',
		value: 'FILE|URL',
		description: 'copy: the database to copy (sqlite:FILE, a file, or a postgres:// URL)'
	},
	{
		name: 'to',
		value: 'FILE|URL',
		description:
			'copy: a new, empty database to copy it into (sqlite:FILE, a file, or a postgres:// URL)'
	}
] as const;

const SYNOPSES: Record<Action, string> = {
	backup: 'db backup <file>',
	check: 'db check <file>',
	restore: 'db restore <file>',
	migrate: 'db migrate',
	seed: 'db seed',
	copy: 'db copy --from A --to B'
};

const DETAILS = [
	'Actions:',
	`  ${SYNOPSES.backup.padEnd(20)}copy the app database to <file> (a new file); safe while Landscape runs`,
	`  ${SYNOPSES.check.padEnd(20)}check that <file> is a sound Landscape database this build can open`,
	`  ${SYNOPSES.restore.padEnd(20)}replace the app database with <file>, after the same checks; stop Landscape first`,
	`  ${SYNOPSES.migrate.padEnd(20)}run the migrations the app database has not had (Landscape also does at start)`,
	`  ${SYNOPSES.seed.padEnd(20)}migrate, then load data/ into the app database if it has never been seeded`,
	`  ${SYNOPSES.copy}`,
	`  ${''.padEnd(20)}copy everything (data, versions, scenarios, people, audit) into a new, empty database,`,
	`  ${''.padEnd(20)}on either engine; verified by row counts and checksums; all or nothing`,
	'',
	'migrate and seed work on SQLite and on PostgreSQL (DATABASE_URL); backup, check and restore are',
	'for the embedded SQLite database (back up PostgreSQL with pg_dump: see the README).',
	'A backup is a consistent snapshot: writes that finish while it runs are either wholly in it or',
	'wholly not. It is checked (PRAGMA integrity_check) before it is given its name.',
	'A restore refuses a file that is not an SQLite database, fails the integrity check, is not a',
	'Landscape database or was made by a newer Landscape, and refuses while the app database is open',
	'(Landscape running). The file is copied beside the app database, checked, then renamed over it;',
	'the previous database is kept beside it as <name>.before-restore-<time>.',
	'Run as: npm run landscape -- db backup backups/landscape-2026-12-01.db',
	'    or: npm run landscape -- db copy --from sqlite:var/landscape.db --to "$DATABASE_URL"',
	'Exit status: 0 done, 1 refused (bad file, database in use), 2 wrong usage.'
].join('\n');

export interface DbArgs {
	action: Action;
	/** the backup file, for backup, check and restore */
	file?: string;
	database?: string;
	/** copy: the database to copy, and the new one to copy it into */
	from?: string;
	to?: string;
}

/** Parse `db <action> <file> [--database FILE]` (the arguments after `db`); throws UsageError. */
export function parseDbArgs(argv: readonly string[]): { help: boolean; args?: DbArgs } {
	if (argv.some((a) => a === '-h' || a === '--help')) return { help: true };
	const positional: string[] = [];
	const given: Partial<Record<(typeof FLAGS)[number]['name'], string>> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (!arg.startsWith('--')) {
			positional.push(arg);
			continue;
		}
		const eq = arg.indexOf('=');
		const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
		const flag = FLAGS.find((f) => f.name === name);
		if (!flag) {
			const guess = suggestNearest(
				name,
				FLAGS.map((f) => f.name)
			);
			throw new UsageError(
				`unknown flag --${name}.${guess ? ` Did you mean --${guess}?` : ''} Valid: ${FLAGS.map((f) => `--${f.name}`).join(', ')}`
			);
		}
		if (given[flag.name] !== undefined)
			throw new UsageError(`--${name} is given twice; give it once`);
		const value =
			eq !== -1 ? arg.slice(eq + 1) : argv[i + 1]?.startsWith('--') ? undefined : argv[++i];
		if (value === undefined || value.trim() === '')
			throw new UsageError(`--${name} needs a value: --${name} ${flag.value}`);
		given[flag.name] = value;
	}
	const { database } = given;
	const [action, file, ...extra] = positional;
	if (action === undefined) throw new UsageError(`which action? One of: ${ACTIONS.join(', ')}`);
	if (!(ACTIONS as readonly string[]).includes(action)) {
		const guess = suggestNearest(action, ACTIONS);
		throw new UsageError(
			`unknown action '${action}'.${guess ? ` Did you mean '${guess}'?` : ''} One of: ${ACTIONS.join(', ')}`
		);
	}
	const act = action as Action;
	if (act === 'copy') {
		if (positional.length > 1)
			throw new UsageError(`unexpected argument '${positional[1]}': ${SYNOPSES.copy}`);
		if (database !== undefined)
			throw new UsageError(`copy takes --from and --to, not --database: ${SYNOPSES.copy}`);
		if (given.from === undefined || given.to === undefined)
			throw new UsageError(
				`copy needs ${given.from === undefined ? '--from (the database to copy)' : '--to (a new, empty database)'}: ${SYNOPSES.copy}`
			);
		return { help: false, args: { action: act, from: given.from, to: given.to } };
	}
	if (given.from !== undefined || given.to !== undefined)
		throw new UsageError(`--from and --to are for db copy only: ${SYNOPSES[act]}`);
	const withDatabase = database !== undefined ? { database } : {};
	if (!FILE_ACTIONS.includes(act)) {
		if (file !== undefined) throw new UsageError(`unexpected argument '${file}': ${SYNOPSES[act]}`);
		return { help: false, args: { action: act, ...withDatabase } };
	}
	if (file === undefined || file.trim() === '')
		throw new UsageError(`which file? ${SYNOPSES[act]}`);
	if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}': ${SYNOPSES[act]}`);
	return { help: false, args: { action: act, file, ...withDatabase } };
}

/** What a sound Landscape database file holds, as `inspectDatabaseFile` found it. */
export interface DatabaseFacts {
	bytes: number;
	datasets: number;
	datasetVersions: number;
	/** the newest migration it has, or null when it has none */
	lastMigration: string | null;
	/** migrations this build has that it has not had yet (run at the next start) */
	pendingMigrations: number;
}

/** Why a file cannot be restored; each reason is one line that names the file. */
export class DatabaseFileError extends Error {
	constructor(readonly problems: readonly string[]) {
		super(problems.join('\n'));
		this.name = 'DatabaseFileError';
	}
}

const isSqliteError = (caught: unknown, ...codes: string[]): boolean =>
	typeof (caught as { code?: unknown } | null)?.code === 'string' &&
	codes.some((c) => (caught as { code: string }).code.startsWith(c));

const errorText = (caught: unknown) => (caught instanceof Error ? caught.message : String(caught));

/**
 * Check a database file: an SQLite database (not some other file), sound (`PRAGMA integrity_check`
 * says ok), a Landscape one (its tables are there) and not newer than this build (every migration
 * it has run is one this build knows). `label` names the file in messages. The file is opened
 * read-write and left in rollback-journal mode, self-contained without -wal or -shm files: callers
 * pass a private copy. Throws DatabaseFileError.
 */
export function inspectDatabaseFile(file: string, label = file): DatabaseFacts {
	const bytes = fs.statSync(file).size;
	if (bytes === 0) throw new DatabaseFileError([`${label}: the file is empty`]);
	let sqlite: SQLite.Database;
	try {
		sqlite = new SQLite(file, { fileMustExist: true, timeout: IN_USE_TIMEOUT_MS });
	} catch (caught) {
		throw new DatabaseFileError([`${label}: cannot open it (${errorText(caught)})`]);
	}
	try {
		let integrity: string[];
		try {
			sqlite.pragma('journal_mode = DELETE');
			integrity = (sqlite.pragma('integrity_check(20)') as { integrity_check: string }[]).map(
				(r) => r.integrity_check
			);
		} catch (caught) {
			if (isSqliteError(caught, 'SQLITE_NOTADB'))
				throw new DatabaseFileError([`${label}: not an SQLite database`]);
			if (isSqliteError(caught, 'SQLITE_CORRUPT'))
				throw new DatabaseFileError([`${label}: the database is corrupt (${errorText(caught)})`]);
			throw new DatabaseFileError([`${label}: cannot read it (${errorText(caught)})`]);
		}
		if (integrity.length !== 1 || integrity[0] !== 'ok')
			throw new DatabaseFileError([
				`${label}: the integrity check failed:`,
				...integrity.map((line) => `  ${line}`)
			]);
		const tables = new Set(
			(
				sqlite.prepare("select name from sqlite_master where type = 'table'").all() as {
					name: string;
				}[]
			).map((t) => t.name)
		);
		const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
		if (missing.length)
			throw new DatabaseFileError([
				`${label}: not a Landscape database (it has no ${missing.join(', ')} table${missing.length === 1 ? '' : 's'})`
			]);
		const ran = (
			sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]
		).map((m) => m.name);
		const known = Object.keys(migrations);
		const unknown = ran.filter((name) => !known.includes(name));
		if (unknown.length)
			throw new DatabaseFileError([
				`${label}: made by a newer Landscape: this build does not have migration${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}. Restore it with the Landscape that made it, or upgrade this one first`
			]);
		const count = (table: string) =>
			(sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
		return {
			bytes,
			datasets: count('datasets'),
			datasetVersions: count('dataset_versions'),
			lastMigration: ran.at(-1) ?? null,
			pendingMigrations: known.filter((name) => !ran.includes(name)).length
		};
	} finally {
		sqlite.close();
	}
}

/** Flush a file (or folder) to disk, so a rename that follows cannot expose unwritten pages. */
function syncToDisk(file: string): void {
	let fd: number | undefined;
	try {
		fd = fs.openSync(file, 'r');
		fs.fsyncSync(fd);
	} catch {
		// Some file systems cannot fsync a folder; the rename is still atomic there.
	} finally {
		if (fd !== undefined) fs.closeSync(fd);
	}
}

const removeQuietly = (file: string) => {
	for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
};

/**
 * Back the database at `source` up to `destination` (which must not exist) with SQLite's online
 * backup API. Safe while the app runs and writes: the copy is one consistent snapshot. The backup is
 * written under a temporary name, checked, and only then renamed to `destination`.
 */
export async function backupDatabase(source: string, destination: string): Promise<DatabaseFacts> {
	if (!fs.existsSync(source))
		throw new DatabaseFileError([
			`${source}: no database there (start Landscape once to create it, or give --database FILE)`
		]);
	const partial = `${destination}.partial-${process.pid}`;
	const sqlite = new SQLite(source, { fileMustExist: true, timeout: 5000 });
	try {
		// The first step copies 100 pages, every later one the rest in one go: a write by another
		// connection between steps restarts the copy, and one big step cannot be interrupted again.
		await sqlite.backup(partial, { progress: () => 0x7fffffff });
	} catch (caught) {
		removeQuietly(partial);
		throw new DatabaseFileError([`${destination}: the backup failed (${errorText(caught)})`]);
	} finally {
		sqlite.close();
	}
	try {
		const facts = inspectDatabaseFile(partial, destination);
		syncToDisk(partial);
		fs.renameSync(partial, destination);
		syncToDisk(path.dirname(destination));
		return facts;
	} catch (caught) {
		removeQuietly(partial);
		throw caught;
	}
}

/** Check `file` on a private copy, so even opening it cannot change it. */
export function checkBackup(file: string): DatabaseFacts {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-check-'));
	try {
		const copy = path.join(dir, 'check.db');
		fs.copyFileSync(file, copy);
		return inspectDatabaseFile(copy, file);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Throw when another connection has the database open (Landscape running, or another command).
 * Leaving WAL mode needs every other connection closed, so trying it is the test; when it works,
 * SQLite has also folded the -wal file back into the database and removed it, so the file on disk
 * is whole before it is set aside.
 */
function assertNotInUse(target: string): void {
	const inUse = () =>
		new DatabaseFileError([
			`${target}: the database is in use; stop Landscape (and any other landscape command) and run the restore again. Nothing was changed`
		]);
	let sqlite: SQLite.Database | undefined;
	try {
		sqlite = new SQLite(target, { fileMustExist: true, timeout: IN_USE_TIMEOUT_MS });
		sqlite.pragma('journal_mode = DELETE');
	} catch (caught) {
		if (isSqliteError(caught, 'SQLITE_BUSY', 'SQLITE_LOCKED')) throw inUse();
		// An unreadable (e.g. corrupt) database can still be replaced, unless it looks open.
		if (fs.existsSync(`${target}-wal`) || fs.existsSync(`${target}-shm`)) throw inUse();
	} finally {
		sqlite?.close();
	}
	if (fs.existsSync(`${target}-wal`)) throw inUse();
}

const stamp = (now: Date) => now.toISOString().replace(/[:.]/g, '-');

/**
 * Replace the app database at `target` with the backup `file`. The backup is copied beside the
 * target, checked, and renamed over it; the previous database is kept as
 * `<target>.before-restore-<time>`. Refuses, changing nothing, when the file fails the checks or
 * the target is open.
 */
export function restoreDatabase(
	file: string,
	target: string,
	now = new Date()
): DatabaseFacts & { keptAs: string | null } {
	if (fs.existsSync(`${file}-wal`))
		throw new DatabaseFileError([
			`${file}: it has a -wal file beside it, so it is open or was not closed cleanly and the file alone may be missing recent writes; take a backup of it with db backup --database ${file} and restore that`
		]);
	fs.mkdirSync(path.dirname(target), { recursive: true });
	const staging = `${target}.restore-${process.pid}.tmp`;
	try {
		fs.copyFileSync(file, staging);
		const facts = inspectDatabaseFile(staging, file);
		const exists = fs.existsSync(target);
		if (exists) assertNotInUse(target);
		// A journal left beside the target would be applied to the restored file when it is opened.
		for (const suffix of ['-wal', '-journal'])
			if (fs.existsSync(target + suffix))
				throw new DatabaseFileError([
					`${target}${suffix}: a journal is left beside the app database (Landscape may be running, or stopped abruptly); start and stop Landscape once, then run the restore again. Nothing was changed`
				]);
		let keptAs: string | null = null;
		if (exists) {
			keptAs = `${target}.before-restore-${stamp(now)}`;
			try {
				fs.linkSync(target, keptAs);
			} catch {
				fs.copyFileSync(target, keptAs);
			}
		}
		fs.rmSync(`${target}-shm`, { force: true });
		syncToDisk(staging);
		fs.renameSync(staging, target);
		syncToDisk(path.dirname(target));
		return { ...facts, keptAs };
	} finally {
		removeQuietly(staging);
	}
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function describeFacts(f: DatabaseFacts): string {
	return `integrity ok, ${f.datasets} datasets, ${f.datasetVersions} dataset versions, ${megabytes(f.bytes)}, last migration ${f.lastMigration ?? '(none)'}`;
}

const asCliError = (caught: unknown) =>
	caught instanceof DatabaseFileError ? new DataError(caught.problems) : caught;

async function run(args: DbArgs & { file: string }, database: string, io: CliIo): Promise<void> {
	const file = path.resolve(args.file);
	const print = (lines: readonly string[]) => io.stdout(`${lines.join('\n')}\n`);
	const pending = (f: DatabaseFacts) =>
		f.pendingMigrations
			? [
					`it is ${f.pendingMigrations} migration${f.pendingMigrations === 1 ? '' : 's'} behind this build; Landscape brings it up to date when it next starts`
				]
			: [];
	switch (args.action) {
		case 'backup': {
			if (fs.existsSync(file))
				throw new UsageError(`${args.file} already exists; give the backup a new file name`);
			if (!fs.existsSync(path.dirname(file)))
				throw new UsageError(`no such folder: ${path.dirname(args.file)}`);
			const started = performance.now();
			const facts = await backupDatabase(database, file);
			print([
				`backed up ${database} to ${args.file} in ${Math.round(performance.now() - started)} ms`,
				describeFacts(facts)
			]);
			return;
		}
		case 'check': {
			if (!fs.existsSync(file)) throw new UsageError(`no such file: ${args.file}`);
			const facts = checkBackup(file);
			print([
				`${args.file}: a Landscape database this build can restore`,
				describeFacts(facts),
				...pending(facts)
			]);
			return;
		}
		case 'restore': {
			if (!fs.existsSync(file)) throw new UsageError(`no such file: ${args.file}`);
			if (path.resolve(database) === file)
				throw new UsageError(`${args.file} is the app database itself; restore from a backup`);
			const facts = restoreDatabase(file, database);
			print([
				`restored ${args.file} to ${database}`,
				describeFacts(facts),
				...pending(facts),
				facts.keptAs
					? `the previous database is kept as ${facts.keptAs}`
					: 'there was no database there before',
				'start Landscape again to use it'
			]);
			return;
		}
	}
}

/** `landscape db`, on the database `defaultDatabase` names (the app's, by default). */
export function createDbCommand(
	defaultDatabase: () => string = databasePath,
	defaultConfig: () => DatabaseConfig = databaseConfig
) {
	return {
		name: 'db',
		summary:
			'Migrate and seed the database (SQLite or PostgreSQL); back up SQLite (safe while Landscape runs), check a backup, or restore one',
		flags: FLAGS,
		details: DETAILS,
		parseArgs(argv: readonly string[]): { help: boolean; values: Record<string, string> } {
			const { help, args } = parseDbArgs(argv);
			if (help || !args) return { help: true, values: {} };
			return { help: false, values: { ...args } };
		},
		async run(values: Readonly<Record<string, string>>, io: CliIo): Promise<void> {
			const { action, file } = values;
			if (action === 'copy') {
				await copyCommand(configOf(values.from!), configOf(values.to!), io);
				return;
			}
			if (action === 'migrate' || action === 'seed') {
				const config = values.database !== undefined ? configOf(values.database) : defaultConfig();
				await migrateOrSeed(action, config, io);
				return;
			}
			if (!(ACTIONS as readonly (string | undefined)[]).includes(action) || file === undefined)
				throw new UsageError(`give an action and a file: ${Object.values(SYNOPSES).join(' | ')}`);
			if (
				values.database === undefined &&
				action !== 'check' &&
				defaultConfig().engine !== 'sqlite'
			)
				throw new UsageError(
					`DATABASE_URL is set, so the app database is PostgreSQL: db ${action} works on the embedded SQLite database only. Back PostgreSQL up with pg_dump and restore with pg_restore (README: Shared deployment), or give --database FILE for an SQLite file`
				);
			const database = path.resolve(values.database ?? defaultDatabase());
			try {
				await run({ action: action as Action, file }, database, io);
			} catch (caught) {
				throw asCliError(caught);
			}
		}
	} satisfies CliCommand & { parseArgs: unknown };
}

/** `--database`, `--from`, `--to`: a postgres:// URL, or an SQLite file (optionally `sqlite:FILE`). */
function configOf(database: string): DatabaseConfig {
	return /^postgres(ql)?:\/\//i.test(database)
		? databaseConfigFromEnv({ ...process.env, DATABASE_URL: database })
		: { engine: 'sqlite', file: path.resolve(database.replace(/^sqlite:/i, '')) };
}

/** `db copy`: see copy.ts. The source must exist; the target is created (SQLite) or must exist, empty. */
async function copyCommand(from: DatabaseConfig, to: DatabaseConfig, io: CliIo): Promise<void> {
	const source = describeDatabase(from);
	const target = describeDatabase(to);
	if (from.engine === to.engine && source === target)
		throw new UsageError('--from and --to name the same database');
	if (from.engine === 'sqlite' && !fs.existsSync(from.file))
		throw new DataError([`${source}: no such database file to copy`]);
	const started = performance.now();
	const src = openDatabase(from);
	try {
		const dst = openDatabase(to);
		try {
			const report = await copyDatabase(src, dst, {
				onTable: (t) => io.stdout(`  ${t.table}: ${t.rows} rows\n`)
			});
			io.stdout(
				`copied ${report.rows} rows in ${report.tables.length} tables from ${source} to ${target} in ${Math.round(performance.now() - started)} ms; every table's row count and checksum verified\n`
			);
		} finally {
			await dst.destroy();
		}
	} catch (caught) {
		if (caught instanceof CopyError) throw new DataError([caught.message]);
		throw caught;
	} finally {
		await src.destroy();
	}
}

/** `db migrate` and `db seed`, on either engine. */
async function migrateOrSeed(
	action: 'migrate' | 'seed',
	config: DatabaseConfig,
	io: CliIo
): Promise<void> {
	const name = describeDatabase(config);
	const db = openDatabase(config);
	try {
		const ran = await migrateToLatest(db);
		io.stdout(
			ran.length
				? `${name}: ran ${ran.length} migration${ran.length === 1 ? '' : 's'} (${ran.join(', ')})\n`
				: `${name}: migrations up to date (${Object.keys(migrations).length} run)\n`
		);
		if (action === 'migrate') return;
		if (await isSeeded(db)) {
			io.stdout(
				`${name}: already seeded; nothing loaded (seeding again would overwrite saved data)\n`
			);
			return;
		}
		const started = performance.now();
		const s = await seedDatabase(db);
		io.stdout(
			`${name}: seeded from data/ in ${Math.round(performance.now() - started)} ms (${s.regions} regions, ${s.pdus} PDUs, ${s.awards} CRS awards, ${s.definitions} R&M contract definitions, ${s.offices} probation offices, ${s.cfoSites} CFO sites)\n`
		);
	} finally {
		await db.destroy();
	}
}

/** `landscape db` on the app's database. */
export const dbCommand = createDbCommand();
