import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { listDatasets } from '../repositories/datasets';
import { listServices, listSites } from '../repositories/services';
import { loadBaseline } from '../planning/baseline';
import { forEachEngine } from '../testing/engines';
import { importServices, servicesDatasetKey } from './commit';
import { loadServiceReferenceData, type ServiceReferenceData } from './services';
import {
	DATABASE_HOOK_TIMEOUT,
	databaseState,
	failInsertsInto,
	fromSeededDatabase,
	readFixture,
	versionRows
} from './testing';

forEachEngine((engine) => {
	let reference: ServiceReferenceData;
	let db: DB;

	beforeAll(async () => {
		reference = await fromSeededDatabase(engine, loadServiceReferenceData);
	}, DATABASE_HOOK_TIMEOUT);

	beforeEach(async () => {
		db = await engine.freshDatabase({ seed: true });
	}, DATABASE_HOOK_TIMEOUT);
	afterEach(() => db.destroy());

	const now = new Date('2026-11-23T12:00:00Z');
	const run = (file: string, options: Partial<Parameters<typeof importServices>[2]> = {}) =>
		importServices(db, readFixture(file), {
			fileName: `tests/fixtures/import/${file}`,
			datasetName: 'Durham local services',
			now,
			...options
		});

	describe('importServices: a good file', () => {
		it('adds version 1 of a new dataset, with every quirk of the file read right', async () => {
			const summary = await run('services-good.csv');
			expect(summary).toMatchObject({
				status: 'imported',
				datasetKey: 'services-durham-local-services',
				version: 1,
				previousVersion: null,
				rowsRead: 4,
				accepted: 4,
				rejected: 0,
				added: 4,
				changed: 0,
				removed: 0,
				errors: []
			});
			const datasets = await listDatasets(db);
			expect(datasets.find((d) => d.key === 'services-durham-local-services')).toMatchObject({
				title: 'Durham local services',
				source: 'services-good.csv',
				provenance: 'published',
				version: 1,
				rowCount: 4,
				fileName: 'services-good.csv',
				loadedBy: 'command line',
				loadedAt: now.toISOString()
			});
			expect(datasets.find((d) => d.key === summary.datasetKey)!.checksum).toMatch(
				/^[0-9a-f]{64}$/
			);

			const services = await listServices(db, { source: 'local' });
			const loc = services.find((s) => s.reference === 'LOC-001')!;
			expect(loc).toMatchObject({
				name: 'Housing advice, Durham and Darlington',
				mechanism: 'grant',
				recordType: 'grant',
				funder: 'Durham PCC',
				lotLevel: 'pcc-area',
				regionCode: 'N54',
				pccAreas: [{ id: 'durham', until: null }],
				startDate: '2025-04-01',
				endDate: '2027-03-31',
				annualValueGbp: 1234.5,
				totalValueGbp: 2469,
				placesPerYear: 40,
				sex: 'any',
				minAge: 18,
				maxAge: null,
				provenance: 'published',
				datasetKey: 'services-durham-local-services',
				datasetVersion: 1
			});
			expect(loc.categories.sort()).toEqual(['Accommodation', 'Finance, Benefits and Debt']);
			expect(loc.subcontractors.map((s) => s.name).sort()).toEqual([
				'Citizens Advice County Durham',
				'Shelter'
			]);

			const [roif] = await listServices(db, { reference: 'ROIF-002' });
			expect(roif).toMatchObject({
				name: "Women's centre\nwith a crèche",
				lotLevel: 'pdu',
				regionCode: 'N54',
				pduCodes: expect.arrayContaining(['N54DUR', 'N54SUND']),
				startDate: '2025-04-01',
				endDate: '2027-03-31', // Excel serial 46477
				annualValueGbp: 25000,
				sex: 'female',
				leadProvider: 'Advance Charity' // through the alias "Advance"
			});
			expect(roif!.categories.sort()).toEqual([
				'Emotional Wellbeing',
				'Family and Significant Others'
			]);

			const [cfo] = await listServices(db, { reference: 'CFO-003' });
			expect(cfo).toMatchObject({
				lotLevel: 'site',
				recordType: 'site-service',
				regionCode: 'N53', // from the district the DE1 centroid lies in
				annualValueGbp: 1234.5,
				totalValueGbp: 1234,
				categories: ['Education, Training and Employment']
			});
			const [crs] = await listServices(db, { reference: 'CRS-004' });
			expect(crs).toMatchObject({ lotLevel: 'region', regionCode: 'N54', mechanism: 'call-off' });

			const sites = (await listSites(db, { kind: 'service-site' })).map((s) => ({
				ref: s.serviceReference,
				postcode: s.postcode,
				precision: s.locationPrecision,
				lat: s.lat,
				lon: s.lon,
				lad: s.ladCode
			}));
			expect(sites).toEqual(
				expect.arrayContaining([
					expect.objectContaining({
						ref: 'CFO-003',
						postcode: 'DE1 2EQ',
						precision: 'postcode-district'
					}),
					{
						ref: 'CRS-004',
						postcode: null,
						precision: 'exact',
						lat: 54.97,
						lon: -1.61,
						lad: 'E08000021'
					}
				])
			);
		});

		it('reads a Windows-1252 file: 0xA3 is £ and 0xE9 is é', async () => {
			const summary = await run('services-windows-1252.csv', { datasetName: 'Wales' });
			expect(summary).toMatchObject({ status: 'imported', encoding: 'windows-1252', accepted: 1 });
			const [s] = await listServices(db, { reference: 'WIN-001' });
			expect(s).toMatchObject({
				name: 'Café drop-in',
				annualValueGbp: 1234.5,
				startDate: '2027-03-31',
				regionCode: 'N03',
				lotLevel: 'region'
			});
		});

		it('names the dataset after the file when no name is given', async () => {
			const summary = await importServices(db, readFixture('services-good.csv'), {
				fileName: 'exports/Services Good.csv'
			});
			expect(summary.datasetKey).toBe('services-services-good');
			expect(servicesDatasetKey("Women's services & grants 2026")).toBe(
				'services-women-s-services-and-grants-2026'
			);
		});

		it('is a no-op when the same file is imported again', async () => {
			await run('services-good.csv');
			const before = await databaseState(db);
			const again = await run('services-good.csv');
			expect(again).toMatchObject({ status: 'unchanged', version: 1, added: 0, unchanged: 4 });
			expect(await databaseState(db)).toEqual(before);
		});

		it('adds version 2, keeps version 1 (not current), and compares them by reference', async () => {
			await run('services-good.csv');
			const v2 = await run('services-v2.csv', { createdBy: 'Sam Planner' });
			expect(v2).toMatchObject({
				status: 'imported',
				version: 2,
				previousVersion: 1,
				added: 1, // NEW-005
				changed: 1, // LOC-001's annual value
				removed: 1, // CFO-003
				unchanged: 2
			});
			expect(await versionRows(db, 'services-durham-local-services')).toEqual([
				{ version: 1, is_current: 0, created_by: 'command line', row_count: 4 },
				{ version: 2, is_current: 1, created_by: 'Sam Planner', row_count: 4 }
			]);
			// Version 1's rows are kept for history and rollback, but only version 2 is listed.
			const kept = await db
				.selectFrom('services as s')
				.innerJoin('dataset_versions as v', 'v.id', 's.dataset_version_id')
				.where('v.dataset_key', '=', 'services-durham-local-services')
				.select(['v.version', 's.reference'])
				.execute();
			expect(kept.filter((k) => k.version === 1)).toHaveLength(4);
			const current = await listServices(db);
			const mine = current.filter((s) => s.datasetKey === 'services-durham-local-services');
			expect(mine.map((s) => s.reference).sort()).toEqual([
				'CRS-004',
				'LOC-001',
				'NEW-005',
				'ROIF-002'
			]);
			expect(mine.find((s) => s.reference === 'LOC-001')!.annualValueGbp).toBe(2000);
			expect(mine.every((s) => s.datasetVersion === 2)).toBe(true);
			// A new organisation was created for the new lead.
			expect(mine.find((s) => s.reference === 'NEW-005')!.leadProvider).toBe(
				'New Horizons Debt Advice CIC'
			);
		});

		it('the seeded datasets are untouched and the baseline sees the new version', async () => {
			const before = await loadBaseline(db);
			const seededServices = before.services.length;
			await run('services-good.csv');
			const after = await loadBaseline(db);
			expect(after.versionKey).not.toBe(before.versionKey);
			expect(after.datasetVersions['services-durham-local-services']).toBe(1);
			expect(after.services.length).toBe(seededServices + 4);
			expect(after.services.find((s) => s.reference === 'CRS-004')!.sites).toEqual([
				{ lat: 54.97, lon: -1.61 }
			]);
		});
	});

	describe('importServices: nothing is written unless the whole file is good', () => {
		it('a file with 2 bad rows: errors name row and column, suggest the nearest name, write nothing', async () => {
			const before = await databaseState(db);
			const summary = await run('services-two-bad-rows.csv');
			expect(summary).toMatchObject({ status: 'invalid', rowsRead: 4, accepted: 2, rejected: 2 });
			const file = 'tests/fixtures/import/services-two-bad-rows.csv';
			expect(summary.errors).toEqual([
				{
					file,
					row: 2,
					column: 'Categories',
					message: "'Acommodation' is not a CRS category. Did you mean 'Accommodation'?"
				},
				{
					file,
					row: 4,
					column: 'PDUs',
					message: "'Sunderlnd' is not a PDU (give its code or name). Did you mean 'Sunderland'?"
				},
				{ file, row: 4, column: 'End_Date', message: "'31/02/2027' is not a date on the calendar" }
			]);
			expect(await databaseState(db)).toEqual(before);
		});

		it('with onlyValidRows, imports the valid rows and notes the rest were left out', async () => {
			const summary = await run('services-two-bad-rows.csv', { onlyValidRows: true });
			expect(summary).toMatchObject({ status: 'imported', accepted: 2, rejected: 2, version: 1 });
			const version = await db
				.selectFrom('dataset_versions')
				.where('dataset_key', '=', summary.datasetKey)
				.selectAll()
				.executeTakeFirstOrThrow();
			expect(version).toMatchObject({ row_count: 2, is_current: 1 });
			expect(version.note).toMatch(/2 invalid rows left out/);
		});

		it('refuses a file with person-level columns whole, naming them, writing nothing', async () => {
			const before = await databaseState(db);
			const summary = await run('services-person-level.csv');
			expect(summary.status).toBe('refused');
			expect(summary.rowsRead).toBe(0);
			expect(summary.errors).toHaveLength(1);
			const message = summary.errors[0]!.message;
			expect(message).toMatch(/data minimisation/);
			for (const column of ['First Name', 'Surname', 'CRN', 'Date of Birth', 'Address Line 1'])
				expect(message).toContain(`'${column}'`);
			// Nothing from the file's rows appears in what is reported.
			expect(JSON.stringify(summary)).not.toMatch(/X123456|High Street|Ann/);
			expect(await databaseState(db)).toEqual(before);
		});

		it('a dry run validates and compares but writes nothing', async () => {
			const before = await databaseState(db);
			const summary = await run('services-good.csv', { dryRun: true });
			expect(summary).toMatchObject({ status: 'dry-run', version: 1, added: 4, accepted: 4 });
			expect(summary.newOrganisations).toBeGreaterThan(0);
			expect(await databaseState(db)).toEqual(before);
		});

		it('reports file-level problems: missing and misspelt columns, duplicate references, no rows', async () => {
			const csv = (text: string) =>
				importServices(db, Buffer.from(text), { fileName: 'x.csv', reference });
			expect((await csv('source,reference,name,mechanism\n')).errors.map((e) => e.column)).toEqual([
				'categories',
				'-'
			]);
			const misspelt = await csv(
				'source,reference,name,mechanism,categories,region,anual_value_gbp,notes\nlocal,A,A,grant,ETE,Wales,1,x\n'
			);
			expect(misspelt.errors).toEqual([
				{
					file: 'x.csv',
					row: 0,
					column: 'anual_value_gbp',
					message: "is not a column of the services template. Did you mean 'annual_value_gbp'?"
				}
			]);
			const dupes = await csv(
				'source,reference,name,mechanism,categories,region\nlocal,A,A,grant,ETE,Wales\nlocal,B,B,grant,ETE,Wales\nlocal,A,C,grant,ETE,Wales\n'
			);
			expect(dupes.errors).toEqual([
				{
					file: 'x.csv',
					row: 3,
					column: 'reference',
					message: "'A' is also the reference on row 1; each service needs its own"
				}
			]);
			expect(dupes).toMatchObject({ accepted: 2, rejected: 1 });
		});

		it('rolls everything back when the database fails part-way through the write', async () => {
			// A trigger that fails on the third service, after two have been written in the transaction.
			await failInsertsInto(db, 'services', 'disk on fire', {
				column: 'reference',
				value: 'CFO-003'
			});
			const before = await databaseState(db);
			await expect(run('services-good.csv')).rejects.toThrow(/disk on fire/);
			expect(await databaseState(db)).toEqual(before);
		});
	});
});
