import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseGapQuery } from '$lib/gap-query';
import { computeGapView } from '$lib/gap-view';
import type { DB } from '../db';
import { loadGapBaseline } from '../planning/gap-baseline';
import { listServices, listSites } from '../repositories/services';
import { DATASETS } from '../seed/catalog';
import { forEachEngine } from '../testing/engines';
import { importServices } from './commit';
import { loadServiceReferenceData, type ServiceReferenceData } from './services';
import {
	DATABASE_HOOK_TIMEOUT,
	databaseState,
	failInsertsInto,
	fromSeededDatabase,
	readFixture
} from './testing';
import { createDatasetVersion } from './versioning';
import {
	DatasetVersionError,
	compareVersions,
	countVersions,
	listVersions,
	rollbackTo,
	versionsKeepingRows
} from './versions';

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

	const KEY = 'services-durham-local';
	const at = (day: number) => new Date(Date.UTC(2026, 10, day, 12));

	function importBytes(bytes: Uint8Array, file: string, day: number, user = 'Sam') {
		return importServices(db, bytes, {
			fileName: file,
			datasetName: 'Durham local',
			now: at(day),
			createdBy: user,
			reference
		});
	}
	const importFixture = (name: string, day: number, user?: string) =>
		importBytes(readFixture(name), `tests/fixtures/import/${name}`, day, user);

	/** services-good.csv with one cell replaced: `LOC-001`'s subcontractors, say. */
	function edited(from: string, to: string): Uint8Array {
		const text = readFixture('services-good.csv').toString('utf8');
		expect(text).toContain(from);
		return new TextEncoder().encode(text.replace(from, to));
	}

	/** A version with no rows, as an import that emptied the dataset would leave. */
	async function emptyVersion(datasetKey: string, day = 24) {
		await db.transaction().execute((trx) =>
			createDatasetVersion(trx, {
				datasetKey,
				datasetTitle: datasetKey,
				description: '',
				provenance: 'published',
				fileName: 'empty.csv',
				checksum: '0'.repeat(64),
				rowCount: 0,
				createdBy: 'test',
				createdAt: at(day).toISOString(),
				note: null
			})
		);
	}

	const keys = (rows: readonly { key: string }[]) => rows.map((r) => r.key);

	describe('listVersions', () => {
		it('gives every shipped dataset its version 1 from the seed', async () => {
			const counts = await countVersions(db);
			for (const d of DATASETS) {
				const versions = await listVersions(db, d.key);
				expect(versions, d.key).toEqual([
					expect.objectContaining({
						version: 1,
						createdBy: 'Landscape seed',
						isCurrent: true,
						note: 'Shipped with Landscape'
					})
				]);
				expect(versions[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
				expect(counts[d.key]).toBe(1);
			}
		});

		it('lists an imported dataset newest first, with who, when, file, rows and checksum', async () => {
			await importFixture('services-good.csv', 23, 'Sam');
			await importFixture('services-v2.csv', 24, 'Alex');
			const versions = await listVersions(db, KEY);
			expect(versions).toEqual([
				{
					version: 2,
					createdAt: at(24).toISOString(),
					createdBy: 'Alex',
					fileName: 'services-v2.csv',
					rowCount: 4,
					checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
					isCurrent: true,
					note: null
				},
				expect.objectContaining({ version: 1, createdBy: 'Sam', isCurrent: false, rowCount: 4 })
			]);
			expect(versions[0]!.checksum).not.toBe(versions[1]!.checksum);
			expect((await countVersions(db))[KEY]).toBe(2);
		});

		it('refuses an unknown dataset, suggesting the nearest key', async () => {
			await expect(listVersions(db, 'need-share')).rejects.toThrow(
				/'need-share' is not a dataset. Did you mean 'need-shares'\?/
			);
			await expect(listVersions(db, 'nothing-like-it-at-all')).rejects.toMatchObject({
				problem: 'unknown-dataset'
			});
		});
	});

	describe('compareVersions', () => {
		beforeEach(async () => {
			await importFixture('services-good.csv', 23);
		});

		it('finds the rows added, changed (field by field) and removed, by reference', async () => {
			const summary = await importFixture('services-v2.csv', 24);
			const c = await compareVersions(db, KEY, 1, 2);
			expect(c.from.version).toBe(1);
			expect(c.to.version).toBe(2);
			expect(c.added).toEqual([
				{ table: 'services', noun: 'service', key: 'NEW-005', label: 'Debt advice drop-in' }
			]);
			expect(c.removed).toEqual([
				{ table: 'services', noun: 'service', key: 'CFO-003', label: 'Hub at Derby' }
			]);
			expect(keys(c.unchanged)).toEqual(['CRS-004', 'ROIF-002']);
			expect(c.changed).toEqual([
				expect.objectContaining({
					key: 'LOC-001',
					changes: [{ field: 'annual value (£)', before: '1234.5', after: '2000' }]
				})
			]);
			// The same counts the import reported.
			expect([c.added.length, c.changed.length, c.removed.length, c.unchanged.length]).toEqual([
				summary.added,
				summary.changed,
				summary.removed,
				summary.unchanged
			]);
		});

		it('the other way round, added and removed swap and before and after too', async () => {
			await importFixture('services-v2.csv', 24);
			const c = await compareVersions(db, KEY, 2, 1);
			expect(keys(c.added)).toEqual(['CFO-003']);
			expect(keys(c.removed)).toEqual(['NEW-005']);
			expect(c.changed[0]!.changes).toEqual([
				{ field: 'annual value (£)', before: '2000', after: '1234.5' }
			]);
		});

		it('a version compared with itself is all unchanged', async () => {
			const c = await compareVersions(db, KEY, 1, 1);
			expect(keys(c.unchanged)).toEqual(['CFO-003', 'CRS-004', 'LOC-001', 'ROIF-002']);
			expect([c.added, c.changed, c.removed]).toEqual([[], [], []]);
		});

		it.each([
			[
				'subcontractors',
				'"Shelter; Citizens Advice County Durham"',
				'Shelter',
				'LOC-001',
				'Citizens Advice County Durham; Shelter',
				'Shelter'
			],
			[
				'categories',
				'"Accommodation; FBD"',
				'Accommodation',
				'LOC-001',
				'Accommodation; Finance, Benefits and Debt',
				'Accommodation'
			],
			['PDUs', 'N54DUR; Sunderland', 'N54DUR', 'ROIF-002', 'N54DUR; N54SUND', 'N54DUR'],
			[
				'lead provider',
				',Advance,',
				',Changing Lives,',
				'ROIF-002',
				'Advance Charity',
				'Changing Lives'
			]
		])(
			'a change to %s (a child table or a looked-up name) is a change of that field',
			async (field, from, to, reference, before, after) => {
				await importBytes(edited(from, to), 'edited.csv', 24);
				const c = await compareVersions(db, KEY, 1, 2);
				expect(c.changed).toEqual([
					expect.objectContaining({ key: reference, changes: [{ field, before, after }] })
				]);
				expect(c.unchanged).toHaveLength(3);
			}
		);

		it("a service's delivery site is part of it", async () => {
			await importBytes(edited('DE1 2EQ', 'DE22 3HA'), 'moved.csv', 24);
			const c = await compareVersions(db, KEY, 1, 2);
			expect(keys(c.changed)).toEqual(['CFO-003']);
			const [change] = c.changed[0]!.changes;
			expect(change!.field).toBe('delivery locations');
			expect(c.changed[0]!.changes.map((x) => x.field)).toEqual(['delivery locations', 'sites']);
			expect(c.changed[0]!.changes[1]!.before).toContain('postcode DE1 2EQ');
			expect(c.changed[0]!.changes[1]!.after).toContain('postcode DE22 3HA');
		});

		it('refuses a version the dataset does not have, saying which it has', async () => {
			await expect(compareVersions(db, KEY, 1, 3)).rejects.toThrow(
				'Durham local has no version 3: its only version is 1'
			);
		});

		it('compares shipped demand data by PDU and by scope and category', async () => {
			await emptyVersion('caseload');
			await emptyVersion('need-shares');
			const caseload = await compareVersions(db, 'caseload', 1, 2);
			expect(caseload.removed).toHaveLength(108);
			expect(caseload.removed).toContainEqual({
				table: 'pdu_caseloads',
				noun: 'PDU caseload',
				key: 'N54DUR',
				label: 'County Durham and Darlington'
			});
			const shares = await compareVersions(db, 'need-shares', 2, 1);
			expect(keys(shares.added)).toEqual([
				'national / Accommodation',
				'national / Dependency and Recovery',
				'national / Lifestyle and Associates'
			]);
		});

		it('knows which versions keep their rows', async () => {
			await importFixture('services-v2.csv', 24);
			await emptyVersion('pdus');
			expect(await versionsKeepingRows(db, KEY)).toEqual(new Set([1, 2]));
			expect(await versionsKeepingRows(db, 'caseload')).toEqual(new Set([1]));
			// The seed's geography is not kept per version; a version with no rows has none to keep.
			expect(await versionsKeepingRows(db, 'pdus')).toEqual(new Set([2]));
		});

		it('says when a dataset keeps no rows per version (reference geography)', async () => {
			await expect(compareVersions(db, 'pdus', 1, 1)).rejects.toMatchObject({
				problem: 'not-kept',
				message: expect.stringContaining('its rows are not kept per version')
			});
		});
	});

	describe('rollbackTo', () => {
		beforeEach(async () => {
			await importFixture('services-good.csv', 23, 'Sam');
			await importFixture('services-v2.csv', 24, 'Alex');
		});

		it('adds version 3, a copy of version 1 with its children, keeping versions 1 and 2 intact', async () => {
			const before = await databaseState(db);
			const v1 = (await listVersions(db, KEY)).find((v) => v.version === 1)!;
			const result = await rollbackTo(db, KEY, 1, { createdBy: 'Priya', now: at(25) });
			expect(result).toMatchObject({
				datasetKey: KEY,
				version: 3,
				rolledBackTo: 1,
				previousVersion: 2,
				rowCount: 4,
				note: 'Rolled back to version 1 by Priya'
			});
			expect(result.copied).toMatchObject({
				services: 4,
				sites: 2,
				service_categories: 6,
				service_pcc_areas: 1,
				service_pdus: 2,
				service_subcontractors: 2
			});

			const versions = await listVersions(db, KEY);
			expect(versions.map((v) => [v.version, v.isCurrent])).toEqual([
				[3, true],
				[2, false],
				[1, false]
			]);
			expect(versions[0]).toEqual({
				version: 3,
				createdAt: at(25).toISOString(),
				createdBy: 'Priya',
				fileName: v1.fileName,
				rowCount: 4,
				checksum: v1.checksum,
				isCurrent: true,
				note: 'Rolled back to version 1 by Priya'
			});

			// Version 3 is version 1, row for row and child for child; 2 → 3 undoes 1 → 2.
			const same = await compareVersions(db, KEY, 1, 3);
			expect([same.added, same.changed, same.removed]).toEqual([[], [], []]);
			expect(same.unchanged).toHaveLength(4);
			const undo = await compareVersions(db, KEY, 2, 3);
			expect([keys(undo.added), keys(undo.changed), keys(undo.removed)]).toEqual([
				['CFO-003'],
				['LOC-001'],
				['NEW-005']
			]);

			// Nothing saved is lost: versions 1 and 2 still compare as they did.
			const then = await compareVersions(db, KEY, 1, 2);
			expect([keys(then.added), keys(then.changed), keys(then.removed)]).toEqual([
				['NEW-005'],
				['LOC-001'],
				['CFO-003']
			]);
			const after = await databaseState(db);
			expect(after.services).toBe(Number(before.services) + 4);
			expect(after.dataset_versions).toBe(Number(before.dataset_versions) + 1);

			// What the app reads now is version 1's.
			const current = await listServices(db, { source: 'local' });
			const loc = current.find((s) => s.reference === 'LOC-001')!;
			expect(loc).toMatchObject({
				datasetKey: KEY,
				datasetVersion: 3,
				annualValueGbp: 1234.5,
				pccAreas: [{ id: 'durham', until: null }]
			});
			expect(loc.subcontractors.map((s) => s.name).sort()).toEqual([
				'Citizens Advice County Durham',
				'Shelter'
			]);
			expect(current.some((s) => s.reference === 'NEW-005')).toBe(false);
			const sites = (await listSites(db)).filter((s) => s.serviceReference === 'CFO-003');
			expect(sites).toEqual([expect.objectContaining({ postcode: 'DE1 2EQ' })]);
		});

		it("makes re-importing version 1's file a no-op, and can itself be rolled back", async () => {
			await rollbackTo(db, KEY, 1, { createdBy: 'Priya', now: at(25) });
			const again = await importFixture('services-good.csv', 26);
			expect(again).toMatchObject({ status: 'unchanged', version: 3 });
			const undo = await rollbackTo(db, KEY, 2, { createdBy: 'Priya', now: at(26) });
			expect(undo.version).toBe(4);
			const c = await compareVersions(db, KEY, 2, 4);
			expect([c.added, c.changed, c.removed]).toEqual([[], [], []]);
		});

		it('refuses the current version, an unknown version and an unknown dataset, writing nothing', async () => {
			const before = await databaseState(db);
			await expect(rollbackTo(db, KEY, 2, { createdBy: 'Priya' })).rejects.toThrow(
				'Version 2 is already the current version of Durham local, so there is nothing to roll back. Choose an earlier version'
			);
			await expect(rollbackTo(db, KEY, 7, { createdBy: 'Priya' })).rejects.toMatchObject({
				problem: 'unknown-version',
				message: 'Durham local has no version 7: its versions are 1 to 2'
			});
			await expect(rollbackTo(db, 'services-durham', 1, { createdBy: 'Priya' })).rejects.toThrow(
				DatasetVersionError
			);
			expect(await databaseState(db)).toEqual(before);
		});

		it('is one transaction: a failure part-way writes nothing', async () => {
			const before = await databaseState(db);
			// The last child table copied fails, after the version, services and sites are written.
			await failInsertsInto(db, 'service_subcontractors', 'disk full');
			await expect(rollbackTo(db, KEY, 1, { createdBy: 'Priya' })).rejects.toThrow('disk full');
			expect(await databaseState(db)).toEqual(before);
			expect((await listVersions(db, KEY))[0]).toMatchObject({ version: 2, isCurrent: true });
		});
	});

	describe('rollbackTo and the gap finder', () => {
		it('changes the gaps: the baseline follows the current version by itself', async () => {
			const places = async () => {
				const parsed = parseGapQuery(
					new URLSearchParams({ region: 'N54', category: 'Accommodation', date: '2026-06-01' }),
					'2026-06-01'
				);
				if (!parsed.ok) throw new Error('bad query');
				const view = computeGapView(await loadGapBaseline(db), parsed.query);
				return view.rows.find((r) => r.pdu === 'N54DUR')!.places;
			};
			await importFixture('services-good.csv', 23);
			const atV1 = await places();
			// LOC-001 states 40 places a year at version 1 and 80 at version 2, over two categories.
			await importBytes(edited(',40,any,', ',80,any,'), 'more-places.csv', 24);
			const atV2 = await places();
			expect(atV2 - atV1).toBeCloseTo(20, 9);
			await rollbackTo(db, KEY, 1, { createdBy: 'Priya' });
			expect(await places()).toBeCloseTo(atV1, 9);
			await rollbackTo(db, KEY, 2, { createdBy: 'Priya' });
			expect(await places()).toBeCloseTo(atV2, 9);
		});
	});

	describe('rollbackTo: shipped datasets', () => {
		it('rolls back CFO hubs (services with sites) after a version that emptied them', async () => {
			const before = await listServices(db, { source: 'cfo' });
			expect(before.length).toBeGreaterThan(0);
			await emptyVersion('cfo-hubs');
			expect(await listServices(db, { source: 'cfo' })).toEqual([]);
			const result = await rollbackTo(db, 'cfo-hubs', 1, { createdBy: 'Priya' });
			expect(result.copied.services).toBe(before.length);
			expect(result.copied.sites).toBe(before.length);
			const after = await listServices(db, { source: 'cfo' });
			const strip = (list: typeof before) =>
				list.map(({ id: _id, datasetVersion: _v, ...rest }) => rest);
			expect(strip(after)).toEqual(strip(before));
			const same = await compareVersions(db, 'cfo-hubs', 1, 3);
			expect(same.unchanged).toHaveLength(before.length);
			expect([same.added, same.changed, same.removed]).toEqual([[], [], []]);
		});

		it('rolls back probation offices (sites of no service) and the modelled caseload', async () => {
			await emptyVersion('probation-offices');
			await emptyVersion('caseload');
			const offices = await rollbackTo(db, 'probation-offices', 1, { createdBy: 'Priya' });
			expect(offices.copied.sites).toBe(326);
			const caseload = await rollbackTo(db, 'caseload', 1, { createdBy: 'Priya' });
			expect(caseload.copied.pdu_caseloads).toBe(108);
			for (const key of ['probation-offices', 'caseload']) {
				const c = await compareVersions(db, key, 1, 3);
				expect([c.added, c.changed, c.removed], key).toEqual([[], [], []]);
			}
		});

		it("rolls back R&M definitions with their subcontractors and their awards' links", async () => {
			const links = async () =>
				(await listServices(db, { recordType: 'award' })).flatMap((s) =>
					s.linkedReferences.map((ref) => `${s.reference}→${ref}`)
				);
			const linked = await links();
			expect(linked.length).toBeGreaterThan(0);
			await emptyVersion('rm-contracts');
			const result = await rollbackTo(db, 'rm-contracts', 1, { createdBy: 'Priya' });
			expect(result.copied.services).toBe(196);
			expect(result.copied.service_links).toBe(linked.length);
			const c = await compareVersions(db, 'rm-contracts', 1, 3);
			expect([c.added, c.changed, c.removed]).toEqual([[], [], []]);
			expect(c.unchanged).toHaveLength(196);
		});

		it('refuses reference geography, which keeps no rows per version', async () => {
			await emptyVersion('pdus');
			const before = await databaseState(db);
			await expect(rollbackTo(db, 'pdus', 1, { createdBy: 'Priya' })).rejects.toMatchObject({
				problem: 'not-kept'
			});
			expect(await databaseState(db)).toEqual(before);
		});
	});

	describe('per-version demand and organisation facts (migration 0005)', () => {
		/** A version of an illustrative caseload dataset, written as an import would. */
		async function caseloadVersion(day: number, durham: number, durhamAccommodation: number) {
			await db.transaction().execute(async (trx) => {
				const { id } = await createDatasetVersion(trx, {
					datasetKey: 'caseload-example',
					datasetTitle: 'Example caseload',
					description: 'Illustrative test data',
					provenance: 'published',
					fileName: `caseload-${day}.csv`,
					checksum: String(day).repeat(64).slice(0, 64),
					rowCount: 2,
					createdBy: 'test',
					createdAt: at(day).toISOString(),
					note: null
				});
				await trx
					.insertInto('pdu_caseloads')
					.values(
						[
							['N54DUR', durham],
							['N54SUND', 900]
						].map(([pdu, people]) => ({
							dataset_version_id: id,
							pdu_code: String(pdu),
							period: '2026-03-31',
							caseload: Number(people),
							community: null,
							post_release: null,
							provenance: 'published'
						}))
					)
					.execute();
				await trx
					.insertInto('pdu_need_shares')
					.values({
						dataset_version_id: id,
						pdu_code: 'N54DUR',
						category: 'Accommodation',
						share: durhamAccommodation,
						people: null
					})
					.execute();
				await trx
					.insertInto('pdu_subgroup_shares')
					.values({
						dataset_version_id: id,
						pdu_code: 'N54SUND',
						subgroup: 'women',
						share: 0.12,
						people: 108
					})
					.execute();
			});
		}

		it('compares and rolls back a caseload with its PDU need and subgroup shares', async () => {
			await caseloadVersion(23, 1000, 0.4);
			await caseloadVersion(24, 1100, 0.45);
			const c = await compareVersions(db, 'caseload-example', 1, 2);
			expect(c.changed).toEqual([
				{
					table: 'pdu_caseloads',
					noun: 'PDU caseload',
					key: 'N54DUR',
					label: 'County Durham and Darlington',
					changes: [{ field: 'caseload', before: '1000', after: '1100' }]
				},
				{
					table: 'pdu_need_shares',
					noun: 'PDU need share',
					key: 'N54DUR / Accommodation',
					label: 'County Durham and Darlington',
					changes: [{ field: 'share', before: '0.4', after: '0.45' }]
				}
			]);
			expect(keys(c.unchanged)).toEqual(['N54SUND', 'N54SUND / women']);
			const result = await rollbackTo(db, 'caseload-example', 1, { createdBy: 'Priya' });
			expect(result.copied).toMatchObject({
				pdu_caseloads: 2,
				pdu_need_shares: 1,
				pdu_subgroup_shares: 1
			});
			const same = await compareVersions(db, 'caseload-example', 1, 3);
			expect([same.added, same.changed, same.removed]).toEqual([[], [], []]);
		});

		it('compares organisation facts by the organisation matched, and rolls them back', async () => {
			const [a, b] = await db
				.selectFrom('organisations')
				.select(['id', 'name'])
				.orderBy('id')
				.limit(2)
				.execute();
			const version = async (day: number, income: number, both: boolean) =>
				db.transaction().execute(async (trx) => {
					const { id } = await createDatasetVersion(trx, {
						datasetKey: 'organisations-example',
						datasetTitle: 'Example supplier list',
						description: 'Illustrative test data',
						provenance: 'published',
						fileName: 'suppliers.csv',
						checksum: String(day).repeat(32),
						rowCount: both ? 2 : 1,
						createdBy: 'test',
						createdAt: at(day).toISOString(),
						note: null
					});
					await trx
						.insertInto('organisation_facts')
						.values(
							(both ? [a!, b!] : [a!]).map((o, i) => ({
								dataset_version_id: id,
								organisation_id: o.id,
								row: i + 1,
								name: o.name,
								matched_by: 'name',
								charity_number: null,
								company_number: null,
								org_type: 'vcse',
								annual_income_gbp: income,
								by_and_for: 0,
								df_registered: 1,
								df_categories: '["Accommodation"]',
								regions: '["N54"]',
								source_record: '{}'
							}))
						)
						.execute();
				});
			await version(23, 90_000, true);
			await version(24, 120_000, false);
			const c = await compareVersions(db, 'organisations-example', 1, 2);
			expect(c.removed).toEqual([
				{ table: 'organisation_facts', noun: 'organisation', key: String(b!.id), label: b!.name }
			]);
			expect(c.changed).toEqual([
				expect.objectContaining({
					key: String(a!.id),
					label: a!.name,
					changes: [{ field: 'annual income (£)', before: '90000', after: '120000' }]
				})
			]);
			await rollbackTo(db, 'organisations-example', 1, { createdBy: 'Priya' });
			const same = await compareVersions(db, 'organisations-example', 1, 3);
			expect(same.unchanged).toHaveLength(2);
			expect([same.added, same.changed, same.removed]).toEqual([[], [], []]);
		});
	});
});
