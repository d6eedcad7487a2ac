import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeGaps, prepareCoverage } from '$lib/domain/coverage';
import { defaultAssumptions } from '$lib/domain/assumptions';
import type { DB } from '../../db';
import { listDatasets } from '../../repositories/datasets';
import { listCaseloads } from '../../repositories/demand';
import { findPdu } from '../../repositories/pdus';
import { listRegionSummaries } from '../../repositories/regions';
import { loadBaseline } from '../../planning/baseline';
import { forEachEngine } from '../../testing/engines';
import { findImporter } from '../registry';
import { readTable } from '../read';
import { DATABASE_HOOK_TIMEOUT, databaseState, readFixture, versionRows } from '../testing';
import type { ImportOptions } from '../types';
import {
	CASELOAD_GUIDE,
	caseloadDatasetKey,
	caseloadImporter,
	importCaseload,
	parsePeriod,
	parseShare,
	readCaseloads,
	type CaseloadReference
} from './caseload';

forEachEngine((engine) => {
	let db: DB;
	beforeEach(async () => {
		db = await engine.freshDatabase({ seed: true });
	}, DATABASE_HOOK_TIMEOUT);
	afterEach(() => db.destroy());

	const now = new Date('2026-11-29T12:00:00Z');
	const fixture = (name: string) => `tests/fixtures/import/caseload/${name}`;
	const run = (name: string, options: Partial<ImportOptions> = {}) =>
		importCaseload(db, [{ name: fixture(name), bytes: readFixture(`caseload/${name}`) }], {
			fileName: fixture(name),
			datasetName: 'North East caseload (illustrative)',
			now,
			...options
		});
	const KEY = 'caseload-north-east-caseload-illustrative';

	/** Everything an import could write, counted, with the current versions. */
	async function state(): Promise<Record<string, number | string>> {
		const counts: Record<string, number> = {};
		for (const table of [
			'pdu_caseloads',
			'pdu_need_shares',
			'pdu_subgroup_shares',
			'organisation_facts'
		] as const) {
			const row = await db
				.selectFrom(table)
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow();
			counts[table] = Number(row.n);
		}
		return { ...(await databaseState(db)), ...counts };
	}

	describe('parsePeriod and parseShare', () => {
		it.each([
			['2025-Q4', '2025-12-31'],
			['2025 q1', '2025-03-31'],
			['Q2 2025', '2025-06-30'],
			['2025-12-31', '2025-12-31'],
			['31/12/2025', '2025-12-31'],
			['December 2025', '2025-12-31'],
			['Feb 2024', '2024-02-29'],
			['sept 2025', '2025-09-30']
		])('reads the period %s as %s', (raw, iso) => {
			expect(parsePeriod(raw)).toEqual({ ok: true, value: iso });
		});

		it.each([
			[
				'2025-Q5',
				"'2025-Q5' is not a period: write 2025-12-31, 31/12/2025, 2025-Q4 or December 2025"
			],
			['2025', "'2025' is not a period: write 2025-12-31, 31/12/2025, 2025-Q4 or December 2025"],
			[
				'Smarch 2025',
				"'Smarch 2025' is not a period: write 2025-12-31, 31/12/2025, 2025-Q4 or December 2025"
			],
			['31/02/2025', "'31/02/2025' is not a date on the calendar"],
			['1999-Q4', "'1999-Q4' is not a period from 2000 to 2100"]
		])('refuses the period %s', (raw, message) => {
			expect(parsePeriod(raw)).toEqual({ ok: false, message });
		});

		it.each([
			['0.39', 0.39],
			['39%', 0.39],
			['12.5 %', 0.125],
			['1', 1],
			['0', 0]
		])('reads the share %s as %s', (raw, share) => {
			const parsed = parseShare(raw);
			expect(parsed.ok && parsed.value).toBeCloseTo(share, 12);
		});

		it.each([
			[
				'39',
				/'39' is not a share from 0 to 1: for a percentage write 39%; for a number of people use the _count column/
			],
			['140%', /'140%' is not a share from 0 to 1 \(0% to 100%\)/],
			['-0.1', /'-0.1' is not a share from 0 to 1/],
			['a third', /'a third' is not a share \(write 0.39 or 39%\)/]
		])('refuses the share %s', (raw, message) => {
			const parsed = parseShare(raw);
			expect(parsed.ok).toBe(false);
			expect(!parsed.ok && parsed.message).toMatch(message);
		});
	});

	describe('readCaseloads: mapping and validation', () => {
		const ref: CaseloadReference = {
			pdus: [
				{
					code: 'N54DUR',
					name: 'County Durham and Darlington',
					slug: 'county-durham-and-darlington',
					deliusName: null,
					casName: null
				},
				{ code: 'N54SUND', name: 'Sunderland', slug: 'sunderland', deliusName: null, casName: null }
			],
			retired: new Map([
				[
					'N52STST',
					{
						name: 'Staffordshire and Stoke',
						change: 'split',
						date: '2024-12-09',
						successors: ['Staffordshire North', 'Staffordshire South']
					}
				]
			])
		};
		const read = (csv: string) => readCaseloads(readTable(csv, 'f.csv'), 'f.csv', ref);

		it('maps a row: the PDU by name, the period, shares and counts, the provenance', () => {
			const result = read(
				'pdu,period,caseload,community,post_release,provenance,fbd_count,accommodation_share,women_share,young_adults_count\n' +
					'sunderland,Q4 2025,"1,000",600,400,modelled,250,39%,0.1,150'
			);
			expect(result.errors).toEqual([]);
			expect(result.rows).toHaveLength(1);
			expect(result.rows[0]).toMatchObject({ row: 1, key: 'N54SUND' });
			expect(result.rows[0]!.value).toEqual({
				pduCode: 'N54SUND',
				pduName: 'Sunderland',
				period: '2025-12-31',
				caseload: 1000,
				community: 600,
				postRelease: 400,
				provenance: 'modelled',
				needs: [
					{ key: 'Accommodation', share: 0.39, people: null },
					{ key: 'Finance, Benefits and Debt', share: 0.25, people: 250 }
				],
				subgroups: [
					{ key: 'women', share: 0.1, people: null },
					{ key: 'young-adults', share: 0.15, people: 150 }
				]
			});
		});

		it('names the row and column of every problem, and suggests the nearest PDU', () => {
			const result = read(
				[
					'pdu,period,caseload,community,post_release,accommodation_share,accommodation_count,women_count,men_count,ete_count',
					'Sunderlnd,2025-Q4,100,,,,,,,',
					'N54DUR,2025-Q4,100,70,40,0.5,50,,,',
					'N54DUR,2025-Q4,100,,,,,60,50,101',
					'Staffordshire and Stoke,,,,,,,,,',
					'N54SUND,2025-Q4,100,120,,,,,,'
				].join('\n')
			);
			expect(result.errors).toEqual([
				{
					file: 'f.csv',
					row: 1,
					column: 'pdu',
					message:
						"'Sunderlnd' is not a PDU (give its code or name). Did you mean 'Sunderland (N54SUND)'?"
				},
				{
					file: 'f.csv',
					row: 2,
					column: 'post_release',
					message: 'community (70) + post_release (40) = 110, more than the caseload (100)'
				},
				{
					file: 'f.csv',
					row: 2,
					column: 'accommodation_count',
					message:
						'give accommodation_share or accommodation_count, not both (this row gives 0.5 and 50)'
				},
				{
					file: 'f.csv',
					row: 3,
					column: 'pdu',
					message: 'County Durham and Darlington (N54DUR) is also on row 2; give each PDU once'
				},
				{
					file: 'f.csv',
					row: 3,
					column: 'men_count',
					message: 'women and men together (110) are more than the caseload (100)'
				},
				{
					file: 'f.csv',
					row: 3,
					column: 'ete_count',
					message: '101 is more than the caseload (100)'
				},
				{
					file: 'f.csv',
					row: 4,
					column: 'pdu',
					message:
						"'Staffordshire and Stoke' is no longer a PDU: it was split into Staffordshire North and Staffordshire South on 2024-12-09. Give the figures for each of those"
				},
				{ file: 'f.csv', row: 4, column: 'period', message: 'the period is required' },
				{ file: 'f.csv', row: 4, column: 'caseload', message: 'the caseload is required' },
				{
					file: 'f.csv',
					row: 5,
					column: 'community',
					message: '120 is more than the caseload (100)'
				}
			]);
			expect(result).toMatchObject({ rowsRead: 5, rejected: 5, rows: [] });
		});

		it('checks the columns: missing, misspelt, a need without _share or _count, and ignores others', () => {
			const result = read('PDU,Caseload,Acommodation_Share,Accommodation,Notes\nN54DUR,1,,,');
			expect(result.errors).toEqual([
				{
					file: 'f.csv',
					row: 0,
					column: 'Acommodation_Share',
					message: "is not a column of the caseload template. Did you mean 'accommodation_share'?"
				},
				{
					file: 'f.csv',
					row: 0,
					column: 'Accommodation',
					message:
						'say whether it is a share or a number of people: name the column accommodation_share (0 to 1, or a percentage) or accommodation_count (people)'
				},
				{ file: 'f.csv', row: 0, column: 'period', message: 'this column is missing' }
			]);
			expect(result.ignoredColumns).toEqual(['Notes']);
			expect(read('pdu,period,caseload\n').errors).toEqual([
				{ file: 'f.csv', row: 0, column: '-', message: 'the file has no rows after the header' }
			]);
		});
	});

	describe('importCaseload: a good file', () => {
		it('adds version 1 of a new dataset; those PDUs use it, the rest stay modelled', async () => {
			const before = await loadBaseline(db);
			const summary = await run('good.csv');
			expect(summary).toMatchObject({
				kind: 'caseload',
				status: 'imported',
				datasetKey: KEY,
				version: 1,
				previousVersion: null,
				rowsRead: 4,
				accepted: 4,
				rejected: 0,
				added: 4,
				changed: 0,
				removed: 0,
				unchanged: 0,
				errors: [],
				needsConfirmation: null
			});
			const dataset = (await listDatasets(db)).find((d) => d.key === KEY);
			// One PDU's figures are modelled, so the dataset as a whole is.
			expect(dataset).toMatchObject({
				version: 1,
				rowCount: 4,
				fileName: 'good.csv',
				provenance: 'modelled'
			});

			const caseloads = await listCaseloads(db);
			expect(caseloads).toHaveLength(108);
			const durham = caseloads.find((c) => c.pduCode === 'N54DUR')!;
			expect(durham).toEqual({
				pduCode: 'N54DUR',
				period: '2025-12-31',
				caseload: 2000,
				community: 1200,
				postRelease: 800,
				provenance: 'published',
				datasetKey: KEY,
				datasetVersion: 1,
				importedFrom: 'good.csv',
				source: 'published (imported from good.csv, version 1)',
				needShares: [
					{ key: 'Accommodation', share: 0.39, people: null },
					{ key: 'Education, Training and Employment', share: 0.25, people: 500 },
					{ key: 'Dependency and Recovery', share: 0.3, people: null }
				],
				subgroups: [{ key: 'women', share: 0.11, people: 220 }]
			});
			expect(caseloads.find((c) => c.pduCode === 'N54SOT')).toMatchObject({
				caseload: 1800,
				provenance: 'modelled',
				source: 'modelled (imported from good.csv, version 1)',
				period: '2025-12-31'
			});
			expect(caseloads.find((c) => c.pduCode === 'N54NUTY')!.provenance).toBe('published');
			const leeds = caseloads.find((c) => c.pduCode === 'N55LEE')!;
			expect(leeds).toMatchObject({
				datasetKey: 'caseload',
				provenance: 'modelled',
				importedFrom: null,
				source: 'modelled',
				needShares: []
			});

			// The baseline takes the imported figures and the PDU's own need shares.
			const after = await loadBaseline(db);
			expect(after.versionKey).not.toBe(before.versionKey);
			const pdu = (code: string) => after.pdus.find((p) => p.code === code)!;
			expect(pdu('N54DUR')).toMatchObject({
				caseload: 2000,
				caseloadProvenance: 'published',
				caseloadSource: 'published (imported from good.csv, version 1)',
				needShares: {
					Accommodation: 0.39,
					'Education, Training and Employment': 0.25,
					'Dependency and Recovery': 0.3
				},
				subgroupShares: { women: 0.11 }
			});
			expect(pdu('N55LEE')).toEqual(before.pdus.find((p) => p.code === 'N55LEE'));
			expect(pdu('N55LEE').needShares).toBeUndefined();

			// In the gap model, Durham's need uses its own share; Leeds keeps the national one (39%).
			const prepared = prepareCoverage(
				after.pdus,
				after.needShares,
				after.services,
				defaultAssumptions('2026-01-01')
			);
			const ete = computeGaps(prepared, 'Education, Training and Employment', 'all');
			expect(ete.find((r) => r.pdu === 'N54DUR')).toMatchObject({
				needShare: 0.25,
				needCount: 500
			});
			expect(ete.find((r) => r.pdu === 'N55LEE')!.needCount).toBeNull(); // no national ETE share
			const accommodation = computeGaps(prepared, 'Accommodation', 'all');
			expect(accommodation.find((r) => r.pdu === 'N54NUTY')!.needCount).toBeCloseTo(2100 * 0.45, 9);
			const leedsRow = accommodation.find((r) => r.pdu === 'N55LEE')!;
			expect(leedsRow.needCount).toBeCloseTo(leedsRow.caseload * 0.39, 9);
		});

		it("shows on the PDU's page where its caseload and needs come from", async () => {
			await run('good.csv');
			const durham = (await findPdu(db, 'N54DUR'))!;
			expect(durham).toMatchObject({
				caseload: 2000,
				caseloadProvenance: 'published',
				caseloadPeriod: '2025-12-31',
				caseloadSource: 'published (imported from good.csv, version 1)'
			});
			expect(
				durham.needs.find((n) => n.category === 'Education, Training and Employment')
			).toMatchObject({
				people: 500,
				share: 0.25,
				imported: true,
				note: '500 people given for this PDU: published (imported from good.csv, version 1).'
			});
			// A category the file leaves out keeps the national share.
			expect(durham.needs.find((n) => n.category === 'Lifestyle and Associates')).toMatchObject({
				people: Math.round(2000 * 0.71),
				share: 0.71,
				imported: false
			});
			const leeds = (await findPdu(db, 'N55LEE'))!;
			expect(leeds.caseloadProvenance).toBe('modelled');
			expect(leeds.caseloadSource).toBe('modelled');
		});

		it("counts each PDU once in its region's caseload, and marks the region mixed", async () => {
			const before = await listRegionSummaries(db);
			const modelled = await listCaseloads(db);
			await run('good.csv');
			const after = await listRegionSummaries(db);
			const replaced = ['N54DUR', 'N54SUND', 'N54SOT', 'N54NUTY'];
			const old = modelled
				.filter((c) => replaced.includes(c.pduCode))
				.reduce((sum, c) => sum + c.caseload, 0);
			const northEast = (list: typeof before) => list.find((r) => r.code === 'N54')!;
			expect(northEast(after).caseload).toBe(
				northEast(before).caseload - old + 2000 + 1500 + 1800 + 2100
			);
			expect(northEast(after).caseloadProvenance).toBe('mixed');
			expect(after.find((r) => r.code === 'N55')).toEqual(before.find((r) => r.code === 'N55'));
		});

		it('is a no-op when the same file is imported again', async () => {
			await run('good.csv');
			const before = await state();
			const again = await run('good.csv');
			expect(again).toMatchObject({
				status: 'unchanged',
				version: 1,
				previousVersion: 1,
				added: 0,
				unchanged: 4
			});
			expect(await state()).toEqual(before);
		});

		it('adds version 2, keeps version 1 (not current), and compares them by PDU', async () => {
			await run('good.csv');
			const v2 = await run('v2.csv', { createdBy: 'Sam Planner' });
			expect(v2).toMatchObject({
				status: 'imported',
				version: 2,
				previousVersion: 1,
				added: 1, // Stockton and Hartlepool
				changed: 1, // Sunderland's caseload
				removed: 1, // Gateshead and South Tyneside
				unchanged: 2 // Durham (0.39 for 39%, 30% for 0.3) and Newcastle (provenance blank = published)
			});
			expect(await versionRows(db, KEY)).toEqual([
				{ version: 1, is_current: 0, created_by: 'command line', row_count: 4 },
				{ version: 2, is_current: 1, created_by: 'Sam Planner', row_count: 4 }
			]);
			const kept = await db
				.selectFrom('pdu_caseloads as c')
				.innerJoin('dataset_versions as v', 'v.id', 'c.dataset_version_id')
				.where('v.dataset_key', '=', KEY)
				.select(['v.version', 'c.pdu_code'])
				.execute();
			expect(kept.filter((k) => k.version === 1)).toHaveLength(4);
			const caseloads = await listCaseloads(db);
			expect(caseloads.find((c) => c.pduCode === 'N54SUND')).toMatchObject({
				caseload: 1550,
				datasetVersion: 2
			});
			// Gateshead is not in version 2, so it is modelled again.
			expect(caseloads.find((c) => c.pduCode === 'N54SOT')).toMatchObject({
				datasetKey: 'caseload',
				provenance: 'modelled'
			});
		});

		it('where two current imports cover a PDU, the one imported last wins', async () => {
			await run('good.csv');
			const other = await run('sunderland-only.csv', {
				datasetName: 'Sunderland 2026',
				provenance: 'derived'
			});
			expect(other).toMatchObject({
				status: 'imported',
				datasetKey: 'caseload-sunderland-2026',
				version: 1
			});
			const sunderland = (await listCaseloads(db, 'N54SUND'))[0]!;
			expect(sunderland).toMatchObject({
				caseload: 1600,
				period: '2026-03-31',
				provenance: 'derived',
				source: 'derived (imported from sunderland-only.csv, version 1)',
				needShares: []
			});
			expect((await listCaseloads(db, 'N54DUR'))[0]!.datasetKey).toBe(KEY);
			// A new version of the first dataset is newer again, so it takes Sunderland back.
			await run('v2.csv');
			expect((await listCaseloads(db, 'N54SUND'))[0]).toMatchObject({
				caseload: 1550,
				datasetKey: KEY
			});
		});
	});

	describe('importCaseload: nothing is written unless the whole file is good', () => {
		it('a file with bad rows: every error by row and column, nothing written', async () => {
			const before = await state();
			const summary = await run('bad-rows.csv');
			const file = fixture('bad-rows.csv');
			expect(summary).toMatchObject({
				status: 'invalid',
				rowsRead: 5,
				accepted: 1,
				rejected: 4,
				version: null
			});
			expect(summary.errors).toEqual([
				{
					file,
					row: 1,
					column: 'pdu',
					message:
						"'Sunderlnd' is not a PDU (give its code or name). Did you mean 'Sunderland (N54SUND)'?"
				},
				{
					file,
					row: 2,
					column: 'period',
					message:
						"'2025-Q5' is not a period: write 2025-12-31, 31/12/2025, 2025-Q4 or December 2025"
				},
				{
					file,
					row: 2,
					column: 'post_release',
					message: 'community (1200) + post_release (900) = 2100, more than the caseload (2000)'
				},
				{
					file,
					row: 2,
					column: 'accommodation_share',
					message:
						"'39' is not a share from 0 to 1: for a percentage write 39%; for a number of people use the _count column"
				},
				{ file, row: 2, column: 'ete_count', message: '2500 is more than the caseload (2000)' },
				{
					file,
					row: 4,
					column: 'pdu',
					message: 'Newcastle Upon Tyne (N54NUTY) is also on row 3; give each PDU once'
				},
				{
					file,
					row: 5,
					column: 'pdu',
					message:
						"'Staffordshire and Stoke' is no longer a PDU: it was split into Staffordshire North and Staffordshire South on 2024-12-09. Give the figures for each of those"
				}
			]);
			expect(await state()).toEqual(before);
		});

		it('writes just the valid rows when the user chooses to, noting how many were left out', async () => {
			const summary = await run('bad-rows.csv', { onlyValidRows: true });
			expect(summary).toMatchObject({
				status: 'imported',
				version: 1,
				accepted: 1,
				rejected: 4,
				added: 1
			});
			const version = await db
				.selectFrom('dataset_versions')
				.where('dataset_key', '=', KEY)
				.selectAll()
				.executeTakeFirstOrThrow();
			expect(version.note).toBe('Imported with 4 invalid rows left out, as the user chose');
			expect((await listCaseloads(db, 'N54NUTY'))[0]).toMatchObject({
				caseload: 2100,
				datasetKey: KEY
			});
		});

		it('a dry run checks and compares, and writes nothing', async () => {
			await run('good.csv');
			const before = await state();
			const dry = await run('v2.csv', { dryRun: true });
			expect(dry).toMatchObject({
				status: 'dry-run',
				version: 2,
				previousVersion: 1,
				added: 1,
				changed: 1,
				removed: 1,
				unchanged: 2
			});
			expect(await state()).toEqual(before);
		});

		it('refuses a file with person-level columns, naming them, before reading a row', async () => {
			const before = await state();
			const summary = await run('person-level.csv');
			expect(summary.status).toBe('refused');
			expect(summary.rowsRead).toBe(0);
			expect(summary.errors).toHaveLength(1);
			expect(summary.errors[0]!.message).toMatch(
				/'CRN' \(case reference number \(CRN\)\), 'Date of Birth' \(date of birth\)/
			);
			expect(JSON.stringify(summary)).not.toContain('X123456');
			expect(await state()).toEqual(before);
		});

		it('stops, writing nothing, when cancelled', async () => {
			const before = await state();
			const controller = new AbortController();
			controller.abort();
			await expect(run('good.csv', { signal: controller.signal })).rejects.toThrow(/cancelled/);
			expect(await state()).toEqual(before);
		});
	});

	describe('the caseload importer', () => {
		it('is registered, with a template whose columns are its field guide', () => {
			expect(findImporter('caseload')).toBe(caseloadImporter);
			const template = caseloadImporter.template();
			const [header] = template.body.split('\r\n');
			expect(header!.split(',')).toEqual(CASELOAD_GUIDE.map((f) => f.column));
			expect(caseloadImporter.datasetKey('Wales 2025')).toBe('caseload-wales-2025');
			expect(caseloadDatasetKey('North East')).toBe('caseload-north-east');
		});

		it("the template's example row is valid (a dry run accepts it)", async () => {
			const body = caseloadImporter.template().body;
			const summary = await caseloadImporter.run(
				db,
				[{ name: 'caseload-template.csv', bytes: new TextEncoder().encode(body) }],
				{
					fileName: 'caseload-template.csv',
					dryRun: true
				}
			);
			expect(summary).toMatchObject({ status: 'dry-run', accepted: 1, errors: [] });
		});
	});
});
