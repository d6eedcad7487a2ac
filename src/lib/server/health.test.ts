import { expect, it } from 'vitest';
import { openPostgres, sqliteConnectionOf, type DB } from './db';
import { checkReadiness } from './health';
import { describeEachEngine } from './testing/engines';

it('is not ready before the database is open', async () => {
	expect(await checkReadiness(undefined)).toMatchObject({ ready: false, database: 'unreachable' });
});

describeEachEngine('checkReadiness', (engine) => {
	it('is ready once every migration has run', async () => {
		const db = await engine.freshDatabase();
		expect(await checkReadiness(db)).toEqual({
			ready: true,
			database: 'reachable',
			pendingMigrations: []
		});
	});

	it('is not ready while migrations are pending, and names them', async () => {
		const db = await engine.freshDatabase();
		await db
			.deleteFrom('kysely_migration' as never)
			.where('name' as never, '=', '2026_11_29_0006_create_scenarios' as never)
			.execute();
		const answer = await checkReadiness(db);
		expect(answer.ready).toBe(false);
		expect(answer.pendingMigrations).toEqual(['2026_11_29_0006_create_scenarios']);
	});

	it('is not ready when the database does not answer', async () => {
		let db: DB;
		if (engine.engine === 'sqlite') {
			db = await engine.freshDatabase();
			sqliteConnectionOf(db)!.close();
		} else {
			// Nothing listens on port 1: the pool cannot connect.
			db = openPostgres('postgres://postgres@127.0.0.1:1/landscape', { poolSize: 1 });
		}
		expect(await checkReadiness(db)).toMatchObject({ ready: false, database: 'unreachable' });
		await db.destroy().catch(() => {});
	});
});
