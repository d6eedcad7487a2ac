import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { generateServicesCsv } from '../../../../scripts/bench/services-csv.js';
import { recordAudit } from '../auth/audit';
import { importServices } from '../import/commit';
import { createScenario, listScenarios, saveScenario } from '../repositories/scenarios';
import { engineHarness, postgresAvailable } from '../testing/engines';
import { CopyError, copyDatabase, dependencyOrder } from './copy';
import { engineOf, type DB, type Engine } from './index';

/** A seeded database with what a planner adds: an import, a scenario with two versions, audit rows. */
async function plannersDatabase(db: DB): Promise<{ scenarioId: string }> {
	await importServices(db, new TextEncoder().encode(generateServicesCsv({ rows: 300 })), {
		fileName: 'partners.csv',
		datasetName: 'Partner services',
		createdBy: 'planner'
	});
	const created = await createScenario(
		db,
		{
			name: 'Illustrative plan',
			description: 'copied with its versions',
			body: { changes: [], assumptions: {} },
			datasetVersions: { 'crs-awards-2021': 1 }
		},
		{ owner: 'planner' }
	);
	await saveScenario(
		db,
		created.id,
		1,
		{
			name: 'Illustrative plan, revised',
			description: '',
			body: { changes: [], assumptions: {} },
			datasetVersions: { 'crs-awards-2021': 1 }
		},
		{ savedBy: 'planner' }
	);
	await recordAudit(db, {
		actor: 'planner',
		action: 'scenario.save',
		target: `scenario:${created.id}`,
		after: { version: 2 }
	});
	return { scenarioId: created.id };
}

/** Every index and constraint, with its definition. */
async function schemaObjects(db: DB): Promise<string[]> {
	const { rows } =
		engineOf(db) === 'postgres'
			? await sql<{ d: string }>`
				select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as d
				from pg_constraint where connamespace = current_schema()::regnamespace
				union all
				select indexdef from pg_indexes where schemaname = current_schema()`.execute(db)
			: await sql<{ d: string }>`
				select coalesce(sql, name) as d from sqlite_master where type in ('index', 'trigger')`.execute(db);
	return rows.map((r) => r.d).sort();
}

const directions: [Engine, Engine][] = [
	['sqlite', 'postgres'],
	['postgres', 'sqlite'],
	['sqlite', 'sqlite']
];

for (const [from, to] of directions) {
	describe.skipIf((from === 'postgres' || to === 'postgres') && !postgresAvailable)(
		`db copy from ${from} to ${to}`,
		() => {
			const source = engineHarness(from);
			const target = engineHarness(to);
			afterAll(async () => {
				await source.close();
				await target.close();
			});

			it('copies every table, verified by counts and checksums; the copy then works as the original', async () => {
				const src = await source.freshDatabase({ seed: true });
				const { scenarioId } = await plannersDatabase(src);
				const dst = await target.freshDatabase();
				expect(engineOf(dst)).toBe(to);

				const report = await copyDatabase(src, dst, { pageRows: 700 });
				const byTable = new Map(report.tables.map((t) => [t.table, t]));
				expect(byTable.get('services')!.rows).toBeGreaterThan(300);
				expect(byTable.get('scenario_versions')!.rows).toBe(2);
				expect(byTable.get('audit_log')!.rows).toBeGreaterThanOrEqual(1);
				for (const t of report.tables) expect(t.checksum).toMatch(/^[0-9a-f]{64}$/);

				// The copy is the planner's: the scenario with both versions, and the import as version 1.
				const scenarios = await listScenarios(dst);
				expect(scenarios.find((s) => s.id === scenarioId)).toMatchObject({
					name: 'Illustrative plan, revised',
					currentVersion: 2
				});
				const version = await dst
					.selectFrom('dataset_versions')
					.where('dataset_key', '=', 'services-partner-services')
					.select(['version', 'row_count', 'is_current'])
					.executeTakeFirstOrThrow();
				expect(version).toEqual({ version: 1, row_count: 300, is_current: 1 });

				// The target's schema ends as migrated: every index and constraint (PostgreSQL's were set
				// aside for the load and put back).
				expect(await schemaObjects(dst)).toEqual(await schemaObjects(await target.freshDatabase()));

				// New rows get new keys (PostgreSQL's numbering restarted after the copied keys).
				const again = await importServices(
					dst,
					new TextEncoder().encode(generateServicesCsv({ rows: 20, prefix: 'LATER' })),
					{ fileName: 'later.csv', datasetName: 'Partner services', createdBy: 'planner' }
				);
				expect(again).toMatchObject({ status: 'imported', version: 2 });
			});

			it('refuses a target that holds anything, and leaves it as it was', async () => {
				const src = await source.freshDatabase({ seed: true });
				const dst = await target.freshDatabase({ seed: true });
				const before = await dst
					.selectFrom('services')
					.select((eb) => eb.fn.countAll().as('n'))
					.executeTakeFirstOrThrow();
				await expect(copyDatabase(src, dst)).rejects.toThrow(CopyError);
				await expect(copyDatabase(src, dst)).rejects.toThrow(/already holds data \(in .*services/);
				const after = await dst
					.selectFrom('services')
					.select((eb) => eb.fn.countAll().as('n'))
					.executeTakeFirstOrThrow();
				expect(Number(after.n)).toBe(Number(before.n));
			});
		}
	);
}

describe('dependencyOrder', () => {
	it('puts each table after those it refers to', () => {
		expect(
			dependencyOrder(
				['services', 'service_categories', 'organisations', 'datasets', 'dataset_versions'],
				[
					['service_categories', 'services'],
					['services', 'organisations'],
					['services', 'dataset_versions'],
					['dataset_versions', 'datasets'],
					['organisations', 'organisations']
				]
			)
		).toEqual(['datasets', 'organisations', 'dataset_versions', 'services', 'service_categories']);
	});

	it('refuses tables that refer to each other in a circle', () => {
		expect(() =>
			dependencyOrder(
				['a', 'b'],
				[
					['a', 'b'],
					['b', 'a']
				]
			)
		).toThrow(/in a circle \(a, b\)/);
	});
});
