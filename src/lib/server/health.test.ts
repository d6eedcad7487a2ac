import net from 'node:net';
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

it('answers “not ready” in time when the database accepts connections but never replies', async () => {
	// a server that takes the connection and says nothing, as a hung database or network does
	const sockets: net.Socket[] = [];
	const silent = net.createServer((socket) => sockets.push(socket));
	await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
	const { port } = silent.address() as net.AddressInfo;
	const db = openPostgres(`postgres://postgres@127.0.0.1:${port}/landscape`, { poolSize: 1 });
	try {
		const started = performance.now();
		const answer = await checkReadiness(db, 300);
		const took = performance.now() - started;
		expect(answer).toMatchObject({
			ready: false,
			database: 'unreachable',
			detail: 'the database did not answer within 300 ms'
		});
		// well before the pool's own 10-second connection timeout
		expect(took).toBeLessThan(5000);
	} finally {
		for (const s of sockets) s.destroy();
		silent.close();
		void db.destroy().catch(() => {});
	}
});
