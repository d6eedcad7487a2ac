import path from 'node:path';
import {
	collationWarning,
	databaseConfigFromEnv,
	describeDatabase,
	migrateToLatest,
	openDatabase,
	type DatabaseConfig,
	type DB
} from './db';
import { isSeeded, seedDatabase } from './seed';

let database: DB | undefined;
let ready: Promise<DB> | undefined;

/**
 * Where the embedded database lives: LANDSCAPE_DB, else var/landscape.db (used by the SQLite-only
 * `db backup | check | restore` commands; see `databaseConfig` for the database the app opens).
 */
export function databasePath(): string {
	return path.resolve(process.env.LANDSCAPE_DB ?? 'var/landscape.db');
}

/** The database the app opens: DATABASE_URL (PostgreSQL) if set, else the SQLite file. */
export function databaseConfig(): DatabaseConfig {
	return databaseConfigFromEnv();
}

/**
 * Open the database once per process, migrate it, and seed it from data/ if (and only if) it has
 * never been seeded, so later starts never reseed over user data.
 */
export function initDatabase(): Promise<DB> {
	ready ??= (async () => {
		const config = databaseConfig();
		const db = openDatabase(config);
		try {
			await migrateToLatest(db);
			await seedIfEmpty(db, describeDatabase(config));
			const warning = await collationWarning(db);
			if (warning) console.warn(warning);
		} catch (caught) {
			await db.destroy().catch(() => {});
			ready = undefined;
			throw caught;
		}
		database = db;
		return db;
	})();
	return ready;
}

/**
 * Seed a migrated database from data/ unless it has been seeded. Two instances starting at once on
 * one PostgreSQL database may both find it empty; the seed is one transaction and its
 * `app_meta.seeded_at` row is unique, so one of them fails and this instance then finds it seeded.
 */
export async function seedIfEmpty(db: DB, name: string): Promise<boolean> {
	if (await isSeeded(db)) return false;
	const started = performance.now();
	try {
		const summary = await seedDatabase(db);
		// stderr, so a command's own output on stdout stays clean.
		console.error(
			`Landscape: seeded ${name} in ${Math.round(performance.now() - started)} ms ` +
				`(${summary.regions} regions, ${summary.pdus} PDUs, ${summary.awards} CRS awards, ${summary.definitions} R&M contract definitions)`
		);
		return true;
	} catch (caught) {
		if (await isSeeded(db)) return false;
		throw caught;
	}
}

/** The open database, or undefined before start-up has opened it (for readiness checks). */
export function openedDb(): DB | undefined {
	return database;
}

/** The open database; call after `initDatabase` has resolved (hooks.server.ts does so at start-up). */
export function getDb(): DB {
	if (!database) throw new Error('The database is not open yet.');
	return database;
}

/**
 * Close the database the process opened (ending a PostgreSQL pool's connections), for a clean
 * shutdown; later calls to `initDatabase` open it again.
 */
export async function closeDatabase(): Promise<void> {
	const opening = ready;
	ready = undefined;
	database = undefined;
	if (!opening) return;
	const db = await opening.catch(() => undefined);
	await db?.destroy();
}
