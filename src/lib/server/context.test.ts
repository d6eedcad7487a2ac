import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from './db';
import { migrations } from './db/migrations';
import { seedIfEmpty } from './context';
import { isSeeded } from './seed';
import { engineHarness, postgresAvailable } from './testing/engines';

// A shared deployment's instances start together on one new PostgreSQL database. (The embedded
// SQLite database serves one instance; kysely takes no migration lock there.)
describe.skipIf(!postgresAvailable)(
	'two instances starting at once on one empty PostgreSQL database',
	() => {
		const postgres = engineHarness('postgres');
		afterAll(() => postgres.close());

		it('run each migration once and seed once, and both start', async () => {
			const config = await postgres.emptyDatabase();
			const a = openDatabase(config);
			const b = openDatabase(config);
			try {
				await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
				const ran = await a
					.selectFrom('kysely_migration' as never)
					.select('name' as never)
					.execute();
				expect(ran).toHaveLength(Object.keys(migrations).length);
				// Both may start seeding; the second's transaction fails on the first's rows and is
				// rolled back whole, and that instance finds the database seeded.
				const seeded = await Promise.all([seedIfEmpty(a, 'a'), seedIfEmpty(b, 'b')]);
				expect(seeded.filter(Boolean)).toHaveLength(1);
				expect(await isSeeded(b)).toBe(true);
				const regions = await b
					.selectFrom('regions')
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow();
				expect(regions.n).toBe(12);
			} finally {
				await Promise.all([a.destroy(), b.destroy()]);
			}
		}, 120_000);
	}
);
