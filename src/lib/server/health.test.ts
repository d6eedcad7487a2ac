import { describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite, sqliteConnectionOf } from './db';
import { checkReadiness } from './health';

describe('checkReadiness', () => {
	it('is ready once every migration has run', async () => {
		const db = openSqlite(':memory:');
		await migrateToLatest(db);
		expect(await checkReadiness(db)).toEqual({
			ready: true,
			database: 'reachable',
			pendingMigrations: []
		});
		await db.destroy();
	});

	it('is not ready before the database is open, or while migrations are pending', async () => {
		expect((await checkReadiness(undefined)).ready).toBe(false);
		const db = openSqlite(':memory:');
		await migrateToLatest(db);
		await db
			.deleteFrom('kysely_migration' as never)
			.where('name' as never, 'like', '%scenarios%' as never)
			.execute();
		const answer = await checkReadiness(db);
		expect(answer.ready).toBe(false);
		expect(answer.pendingMigrations).toEqual(['2026_11_29_0006_create_scenarios']);
		await db.destroy();
	});

	it('is not ready when the database does not answer', async () => {
		const db = openSqlite(':memory:');
		sqliteConnectionOf(db)!.close();
		expect(await checkReadiness(db)).toMatchObject({ ready: false, database: 'unreachable' });
	});
});
