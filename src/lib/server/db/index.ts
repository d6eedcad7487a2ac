import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
	Kysely,
	Migrator,
	PostgresDialect,
	SqliteDialect,
	sql,
	type MigrationProvider,
	type SqliteDatabase,
	type Transaction
} from 'kysely';
import { engineOf } from './engine';
import { migrations } from './migrations';
import type { Database } from './schema';
import { announceVersionChange, watchVersions, type VersionWatch } from './version-watch';

export type DB = Kysely<Database>;

export { engineOf, type Engine } from './engine';

/** Where the database is: a PostgreSQL URL (shared deployment), else an SQLite file. */
export type DatabaseConfig =
	{ engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string; poolSize: number };

/** Connections a PostgreSQL pool keeps at most, unless LANDSCAPE_DB_POOL says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * The database the environment names: DATABASE_URL (postgres:// or postgresql://) for PostgreSQL,
 * pooled (LANDSCAPE_DB_POOL connections, default 10); otherwise the SQLite file LANDSCAPE_DB, else
 * var/landscape.db. Throws with the variable's name when a value cannot be used.
 */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
	const url = env.DATABASE_URL?.trim();
	if (url) {
		if (!/^postgres(ql)?:\/\//i.test(url))
			throw new Error(
				'DATABASE_URL must be a PostgreSQL URL (postgres://user@host:5432/name); unset it to use the embedded SQLite database (LANDSCAPE_DB)'
			);
		return { engine: 'postgres', url, poolSize: poolSizeFrom(env.LANDSCAPE_DB_POOL) };
	}
	return { engine: 'sqlite', file: path.resolve(env.LANDSCAPE_DB ?? 'var/landscape.db') };
}

function poolSizeFrom(value: string | undefined): number {
	if (value === undefined || value.trim() === '') return DEFAULT_POOL_SIZE;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > 1000)
		throw new Error(
			`LANDSCAPE_DB_POOL must be a whole number of connections from 1 to 1000; it is "${value}"`
		);
	return n;
}

/** The URL with any password hidden, for messages and logs. */
export function describeDatabase(config: DatabaseConfig): string {
	if (config.engine === 'sqlite') return config.file;
	try {
		const u = new URL(config.url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return 'PostgreSQL (DATABASE_URL)';
	}
}

/** Open the database `config` names; the app (context.ts), the command-line tool and tests all come here. */
export function openDatabase(config: DatabaseConfig): DB {
	return config.engine === 'postgres'
		? openPostgres(config.url, { poolSize: config.poolSize })
		: openSqlite(config.file);
}

/** The better-sqlite3 connection under each database `openSqlite` opened. */
const connections = new WeakMap<DB, SQLite.Database>();

/** Open (creating if needed) an embedded SQLite database. `:memory:` gives a private one. */
export function openSqlite(file: string): DB {
	if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	const sqlite = new SQLite(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const db = new Kysely<Database>({
		dialect: new SqliteDialect({ database: withStatementCache(sqlite) })
	});
	connections.set(db, sqlite);
	return db;
}

/** Prepared statements kept per SQLite connection, most recently used last. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as kysely sees it, with its statements prepared once and reused: kysely prepares
 * every query it runs, and parsing and planning the same SQL again on every request costs more
 * than running it. A statement still being read (an unfinished stream) is never handed out again.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
	const cache = new Map<string, SQLite.Statement>();
	return {
		close: () => sqlite.close(),
		prepare(sql: string) {
			const cached = cache.get(sql);
			if (cached && !cached.busy) {
				cache.delete(sql);
				cache.set(sql, cached);
				return cached;
			}
			const statement = sqlite.prepare(sql);
			if (!cached) {
				cache.set(sql, statement);
				if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
			}
			return statement;
		}
	};
}

/** pg's OIDs for the types it hands back as strings by default. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Numbers come back as numbers on both engines: pg returns int8 (count(*), sum of integers) and
 * numeric (avg, sum of bigints) as strings, because they may not fit a JavaScript number. Every
 * count, id and sum Landscape stores fits well inside 2^53, so they are parsed here, once, and a
 * value that does not fit is an error rather than a silently rounded figure.
 */
const pgTypes = {
	getTypeParser(oid: number, format?: 'text' | 'binary') {
		if (oid === INT8_OID)
			return (text: string) => {
				const n = Number(text);
				if (!Number.isSafeInteger(n))
					throw new RangeError(`PostgreSQL returned ${text}, too large for a JavaScript number`);
				return n;
			};
		if (oid === NUMERIC_OID) return (text: string) => Number(text);
		return format === 'binary'
			? pg.types.getTypeParser(oid, 'binary')
			: pg.types.getTypeParser(oid, 'text');
	}
};

/** The pg pool under each database `openPostgres` opened. */
const pools = new WeakMap<DB, pg.Pool>();
/** The dataset version listener of each database `openPostgres` opened. */
const watches = new WeakMap<DB, VersionWatch>();

/**
 * Open a PostgreSQL database through a pg pool of at most `poolSize` connections. Connections are
 * made lazily, on the first query; `db.destroy()` ends the pool.
 */
export function openPostgres(url: string, options: { poolSize?: number } = {}): DB {
	const pool = new pg.Pool({
		connectionString: url,
		max: options.poolSize ?? DEFAULT_POOL_SIZE,
		connectionTimeoutMillis: 10_000,
		idleTimeoutMillis: 30_000,
		// A command-line run whose connections are all idle may exit without waiting for the pool.
		allowExitOnIdle: true,
		types: pgTypes
	});
	// An idle connection the server drops (restart, failover) must not crash the process; the pool
	// replaces it, and the next query reports any lasting problem.
	pool.on('error', (err) =>
		console.error(`Landscape: PostgreSQL connection error: ${err.message}`)
	);
	// Ending the pool (db.destroy()) also stops the listener.
	const watch = watchVersions(url);
	const endPool = pool.end.bind(pool);
	pool.end = (async () => {
		await watch.close();
		return endPool();
	}) as typeof pool.end;
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
	pools.set(db, pool);
	watches.set(db, watch);
	return db;
}

/**
 * The better-sqlite3 connection under a database `openSqlite` opened, for bulk writes (prepared
 * statements run inside a kysely transaction on the same connection); undefined for any other
 * database (PostgreSQL), which then goes through kysely alone.
 */
export function sqliteConnectionOf(db: DB): SQLite.Database | undefined {
	return connections.get(db);
}

/**
 * The listener that says when the current dataset versions change, for a database `openPostgres`
 * opened; undefined for SQLite (and for a transaction), which are read each time.
 */
export function versionWatchOf(db: DB): VersionWatch | undefined {
	return watches.get(db);
}

/**
 * Run `write` in one transaction that changes which dataset versions are current (imports,
 * rollbacks, seeding): other instances drop their cached versions when it commits (the NOTIFY it
 * sends), and this one as soon as it ends, committed or not, without waiting for its own.
 */
export async function versionChangingTransaction<T>(
	db: DB,
	write: (trx: Transaction<Database>) => Promise<T>
): Promise<T> {
	try {
		return await db.transaction().execute(async (trx) => {
			await announceVersionChange(trx);
			return write(trx);
		});
	} finally {
		watches.get(db)?.changed();
	}
}

/** The pg pool under a database `openPostgres` opened (for its counts in tests and health). */
export function postgresPoolOf(db: DB): pg.Pool | undefined {
	return pools.get(db);
}

/**
 * Why a PostgreSQL database may list names in another order than SQLite would, or undefined: Landscape
 * sorts text by code point (SQLite's order), which on PostgreSQL is the C collation. A database made
 * with another collation (en_GB.UTF-8, say) still works, but lists may be ordered differently.
 */
export async function collationWarning(db: DB): Promise<string | undefined> {
	if (engineOf(db) !== 'postgres') return undefined;
	const { rows } = await sql<{
		collate: string;
	}>`select datcollate as collate from pg_database where datname = current_database()`.execute(db);
	const collate = rows[0]?.collate;
	if (collate === undefined || /^(C|POSIX|C\.UTF-?8)$/i.test(collate)) return undefined;
	return `Landscape: the PostgreSQL database's collation is ${collate}, so names may sort differently from the embedded SQLite database; create it with LOCALE 'C' (see the README's Shared deployment section) for the same order`;
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Bring the schema up to the latest migration; throws with the failing migration's name. On
 * PostgreSQL each migration runs in a transaction under kysely's advisory lock, so two instances
 * starting at once run each migration once.
 */
export async function migrateToLatest(db: DB): Promise<string[]> {
	// Migrations written on parallel branches may land out of date order; each still runs once.
	const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
	const { error, results } = await migrator.migrateToLatest();
	const failed = results?.find((r) => r.status === 'Error');
	if (error || failed) {
		const why = error instanceof Error ? error.message : String(error ?? 'unknown error');
		throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${why}`);
	}
	return (results ?? []).map((r) => r.migrationName);
}
