import { migrateToLatest, openSqlite, type DB } from '../db';
import { seedDatabase, type SeedSummary } from '../seed';

/** A private in-memory SQLite with the real migrations, optionally seeded from data/. */
export async function freshDatabase(
	options: { seed?: boolean } = {}
): Promise<{ db: DB; summary?: SeedSummary }> {
	const db = openSqlite(':memory:');
	await migrateToLatest(db);
	const summary = options.seed ? await seedDatabase(db) : undefined;
	return { db, summary };
}
