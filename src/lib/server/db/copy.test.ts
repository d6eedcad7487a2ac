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

/** Text that an escaping or a normalisation could get wrong on the way between the engines. */
const AWKWARD_TEXT = [
	'Åland — naïve café, 😀 and 中文',
	'line one\nline two\r\nthree',
	'tab\there, backslash \\ here, \\N and \\. too',
	'\\N',
	'N;',
	'3:abc;',
	'',
	' padded '
];

/** Floats whose decimal text differs between the engines, or that sit at the edges of a double. */
const AWKWARD_FLOATS = [
	0.1 + 0.2,
	1e20,
	1e21,
	123456789.123456,
	-2.5e-7,
	5e-324,
	1.7976931348623157e308
];

/** Organisations and sites holding awkward values (the sites carry the floats), with nulls too. */
async function addAwkwardValues(db: DB): Promise<void> {
	const { id: versionId } = await db
		.selectFrom('dataset_versions')
		.select('id')
		.orderBy('id')
		.executeTakeFirstOrThrow();
	await db
		.insertInto('organisations')
		.values(
			AWKWARD_TEXT.map((text, i) => ({
				name: text,
				normalised_name: `awkward ${i} ${text}`,
				charity_number: i % 2 ? null : text,
				annual_income_gbp: [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, null][i % 4]
			}))
		)
		.execute();
	await db
		.insertInto('sites')
		.values(
			[...AWKWARD_FLOATS, null].map((value, i) => ({
				dataset_version_id: versionId,
				reference: `AWKWARD-${i}`,
				kind: 'office',
				name: AWKWARD_TEXT[i % AWKWARD_TEXT.length]!,
				lat: value,
				lon: value === null ? null : -value,
				location_precision: 'exact',
				note: i % 3 ? null : AWKWARD_TEXT[(i + 1) % AWKWARD_TEXT.length]!
			}))
		)
		.execute();
}

async function awkwardRows(db: DB) {
	const organisations = await db
		.selectFrom('organisations')
		.where('normalised_name', 'like', 'awkward %')
		.select(['normalised_name', 'name', 'charity_number', 'annual_income_gbp'])
		.orderBy('normalised_name')
		.execute();
	const sites = await db
		.selectFrom('sites')
		.where('reference', 'like', 'AWKWARD-%')
		.select(['reference', 'name', 'lat', 'lon', 'note'])
		.orderBy('reference')
		.execute();
	return { organisations, sites };
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
				for (const t of report.tables) expect(t.checksum).toMatch(/^[0-9a-f]{32}$/);

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

			it('copies awkward text, floats, large integers and nulls exactly; both engines checksum them alike', async () => {
				const src = await source.freshDatabase({ seed: true });
				await addAwkwardValues(src);
				const dst = await target.freshDatabase();
				const report = await copyDatabase(src, dst);
				expect(await awkwardRows(dst)).toEqual(await awkwardRows(src));

				// Copied back to the source's engine, every table holds as many rows; where both copies
				// go into the same engine (whose checksums are taken alike), with the same checksums.
				const back = await source.freshDatabase();
				const again = await copyDatabase(dst, back);
				const rowsOf = (r: typeof report) => r.tables.map((t) => [t.table, t.rows]);
				expect(rowsOf(again)).toEqual(rowsOf(report));
				if (from === to) expect(again.tables).toEqual(report.tables);
			});

			it('refuses to commit a copy that does not match its source, and says which table', async () => {
				const src = await source.freshDatabase({ seed: true });
				const dst = await target.freshDatabase();
				// A trigger on the target that changes each region's name as it is written.
				if (to === 'postgres') {
					await sql`create function tamper() returns trigger language plpgsql as
						$$ begin new.name := new.name || '!'; return new; end $$`.execute(dst);
					await sql`create trigger tamper before insert on regions
						for each row execute function tamper()`.execute(dst);
				} else
					await sql`create trigger tamper after insert on regions begin
						update regions set name = name || '!' where code = new.code; end`.execute(dst);

				await expect(copyDatabase(src, dst)).rejects.toThrow(
					/does not match its source: regions \(12 rows read, 12 in the target, checksums differ\)\. Nothing was kept/
				);
				for (const table of ['regions', 'services', 'audit_log'] as const) {
					const { n } = await dst
						.selectFrom(table)
						.select((eb) => eb.fn.countAll().as('n'))
						.executeTakeFirstOrThrow();
					expect(Number(n)).toBe(0);
				}
			});

			it.runIf(from === 'sqlite')(
				'copies an integer beyond 2^53 from SQLite exactly, not rounded to a JavaScript number',
				async () => {
					const src = await source.freshDatabase({ seed: true });
					await sql`insert into organisations (name, normalised_name, annual_income_gbp)
						values ('Large', 'large', 1152921504606846977)`.execute(src);
					const dst = await target.freshDatabase();
					await copyDatabase(src, dst);
					const { income } = await sql<{ income: string }>`
						select cast(annual_income_gbp as text) as income from organisations
						where normalised_name = 'large'`
						.execute(dst)
						.then((r) => r.rows[0]!);
					expect(income).toBe('1152921504606846977');
				}
			);

			it.runIf(from === 'sqlite' && to === 'postgres').each([
				{
					what: 'a value its column cannot hold',
					change: sql`update organisations set by_and_for = 'not a number'
						where normalised_name like 'awkward 3 %'`,
					error:
						/^Cannot copy organisations: by_and_for holds "not a number", which a PostgreSQL int4 column cannot\. Nothing was kept$/
				},
				{
					what: 'a row PostgreSQL refuses',
					change: sql`update organisations set name = 'nul' || char(0) || 'in text'
						where normalised_name like 'awkward 3 %'`,
					error:
						/^PostgreSQL refused the rows of organisations: invalid byte sequence for encoding "UTF8": 0x00 \(COPY organisations, line \d+, column name\)\. Nothing was kept$/
				}
			])('says which table holds $what, and keeps nothing', async ({ change, error }) => {
				const src = await source.freshDatabase({ seed: true });
				await addAwkwardValues(src);
				// SQLite holds both: text in an integer column, and a NUL character in text.
				await change.execute(src);
				const dst = await target.freshDatabase();
				await expect(copyDatabase(src, dst)).rejects.toThrow(error);
				for (const table of ['regions', 'organisations', 'services'] as const) {
					const { n } = await dst
						.selectFrom(table)
						.select((eb) => eb.fn.countAll().as('n'))
						.executeTakeFirstOrThrow();
					expect(Number(n)).toBe(0);
				}
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
