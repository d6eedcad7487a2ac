import path from 'node:path';
import { migrateToLatest, openSqlite, type DB } from './db';
import { isSeeded, seedDatabase } from './seed';

let database: DB | undefined;
let ready: Promise<DB> | undefined;

/** Where the embedded database lives: LANDSCAPE_DB, else var/landscape.db. */
export function databasePath(): string {
	return path.resolve(process.env.LANDSCAPE_DB ?? 'var/landscape.db');
}

/**
 * Open the database once per process, migrate it, and seed it from data/ if (and only if) it has
 * never been seeded, so later starts never reseed over user data.
 */
export function initDatabase(): Promise<DB> {
	ready ??= (async () => {
		const db = openSqlite(databasePath());
		await migrateToLatest(db);
		if (!(await isSeeded(db))) {
			const started = performance.now();
			const summary = await seedDatabase(db);
			// stderr, so a command's own output on stdout stays clean.
			console.error(
				`Landscape: seeded ${databasePath()} in ${Math.round(performance.now() - started)} ms ` +
					`(${summary.regions} regions, ${summary.pdus} PDUs, ${summary.awards} CRS awards, ${summary.definitions} R&M contract definitions)`
			);
		}
		database = db;
		return db;
	})();
	return ready;
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
