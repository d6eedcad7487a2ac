import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import { migrations } from './migrations';
import type { Database } from './schema';

export type DB = Kysely<Database>;

/** Open (creating if needed) an embedded SQLite database. `:memory:` gives a private one. */
export function openSqlite(file: string): DB {
	if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	const sqlite = new SQLite(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Bring the schema up to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: DB): Promise<string[]> {
	const migrator = new Migrator({ db, provider });
	const { error, results } = await migrator.migrateToLatest();
	const failed = results?.find((r) => r.status === 'Error');
	if (error || failed) {
		const why = error instanceof Error ? error.message : String(error ?? 'unknown error');
		throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${why}`);
	}
	return (results ?? []).map((r) => r.migrationName);
}
