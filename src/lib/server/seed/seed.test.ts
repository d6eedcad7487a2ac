import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DB } from '../db';
import { describeEachEngine } from '../testing/engines';
import { seedDatabase, type SeedSummary } from '.';

describeEachEngine('seeded totals match the source files', (engine) => {
	let db: DB;
	let summary: SeedSummary;

	beforeAll(async () => {
		// Seeded here, not copied from the harness's seeded template: this suite tests the seeding.
		db = await engine.freshDatabase();
		summary = await seedDatabase(db);
	}, 120_000);
	afterAll(async () => db.destroy());

	it('has 12 regions and 108 PDUs, each PDU in a region', async () => {
		expect(summary.regions).toBe(12);
		const { count } = await db
			.selectFrom('pdus')
			.select((eb) => eb.fn.countAll<number>().as('count'))
			.executeTakeFirstOrThrow();
		expect(Number(count)).toBe(108);
		const perRegion = await db
			.selectFrom('pdus')
			.select(['region_code', (eb) => eb.fn.countAll<number>().as('n')])
			.groupBy('region_code')
			.execute();
		expect(perRegion).toHaveLength(12);
		expect(perRegion.reduce((a, r) => a + Number(r.n), 0)).toBe(108);
	});

	it('has the 66 awards of May 2021 totalling £196,074,277', async () => {
		const row = await db
			.selectFrom('services')
			.where('record_type', '=', 'award')
			.select([
				(eb) => eb.fn.countAll<number>().as('n'),
				(eb) => eb.fn.sum<number>('total_value_gbp').as('total')
			])
			.executeTakeFirstOrThrow();
		expect(Number(row.n)).toBe(66);
		expect(Number(row.total)).toBe(196_074_277);
	});

	it('has the 196 Refer and Monitor definitions, 139 providers and 326 office rows', async () => {
		expect(summary.definitions).toBe(196);
		const rm = await db
			.selectFrom('organisations')
			.where('rm_provider_code', 'is not', null)
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(rm.n)).toBe(139);
		expect(summary.offices).toBe(326);
	});

	it('resolves the 28 spellings of the 2021 leads to 26 organisations', async () => {
		const leads = await db
			.selectFrom('services')
			.where('record_type', '=', 'award')
			.select('lead_organisation_id')
			.distinct()
			.execute();
		expect(leads).toHaveLength(26);
		const types = await db
			.selectFrom('organisations')
			.where('org_type', 'is not', null)
			.select(['org_type', (eb) => eb.fn.countAll<number>().as('n')])
			.groupBy('org_type')
			.execute();
		expect(Object.fromEntries(types.map((t) => [t.org_type, Number(t.n)]))).toEqual({
			private: 3,
			vcse: 23
		});
	});

	it('apportions exactly the national caseload of 240,362 over the 108 PDUs', async () => {
		const row = await db
			.selectFrom('pdu_caseloads')
			.select([
				(eb) => eb.fn.sum<number>('caseload').as('total'),
				(eb) => eb.fn.countAll<number>().as('n')
			])
			.executeTakeFirstOrThrow();
		expect(Number(row.total)).toBe(240_362);
		expect(Number(row.n)).toBe(108);
		const zero = await db
			.selectFrom('pdu_caseloads')
			.where('caseload', '<=', 0)
			.selectAll()
			.execute();
		expect(zero).toEqual([]);
	});

	it('links awards to R&M definitions only where they are the same contract', async () => {
		expect(summary.linkedDefinitions).toBeGreaterThan(50);
		// Every link joins the same region and lead.
		const mismatched = await sql<{ n: number }>`
			select count(*) as n from service_links l
			join services a on a.id = l.service_id
			join services d on d.id = l.linked_service_id
			where a.region_code <> d.region_code or a.lead_organisation_id <> d.lead_organisation_id`.execute(
			db
		);
		expect(Number(mismatched.rows[0]!.n)).toBe(0);
	});

	it('places every CFO hub and office it can in a local authority district', async () => {
		const unplaced = await db
			.selectFrom('sites')
			.where('lad_code', 'is', null)
			.select(['reference', 'note'])
			.execute();
		expect(unplaced).toEqual([]);
	});

	it('records one current version per dataset with a checksum', async () => {
		const versions = await db.selectFrom('dataset_versions').selectAll().execute();
		const datasets = await db.selectFrom('datasets').selectAll().execute();
		expect(versions).toHaveLength(datasets.length);
		for (const v of versions) expect(v.checksum).toMatch(/^[0-9a-f]{64}$/);
	});

	it('refuses to seed twice over user data', async () => {
		await expect(seedDatabase(db)).rejects.toThrow(/already seeded/);
	});
});
