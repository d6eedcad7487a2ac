import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import { migrations } from './migrations';
import type { Database } from './schema';

export type DB = Kysely<Database>;

/** The better-sqlite3 connection under each database `openSqlite` opened. */
const connections = new WeakMap<DB, SQLite.Database>();

/** Open (creating if needed) an embedded SQLite database. `:memory:` gives a private one. */
export function openSqlite(file: string): DB {
	if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	const sqlite = new SQLite(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
	connections.set(db, sqlite);
	return db;
}

/**
 * The better-sqlite3 connection under a database `openSqlite` opened, for bulk writes (prepared
 * statements run inside a kysely transaction on the same connection); undefined for any other
 * database, which then goes through kysely alone.
 */
export function sqliteConnectionOf(db: DB): SQLite.Database | undefined {
	return connections.get(db);
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Bring the schema up to the latest migration; throws with the failing migration's name. */
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
