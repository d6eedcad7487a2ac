import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { describeEachEngine } from '../testing/engines';
import { listDatasets } from './datasets';
import { listCaseloads, listNeedShares } from './demand';
import { findOrganisation, listOrganisations } from './organisations';
import { findPdu, listPdus } from './pdus';
import { findRegionCode, listPccAreas, listRegionSummaries } from './regions';
import { findService, listServices, listSites } from './services';

describeEachEngine(
	'repositories',
	(engine) => {
		let db: DB;
		beforeAll(async () => {
			db = await engine.freshDatabase({ seed: true });
		});
		afterAll(async () => db.destroy());

		describe('regions', () => {
			it('sums PDUs, modelled caseload and award value per region to the national totals', async () => {
				const regions = await listRegionSummaries(db);
				expect(regions).toHaveLength(12);
				expect(regions.reduce((a, r) => a + r.pduCount, 0)).toBe(108);
				expect(regions.reduce((a, r) => a + r.caseload, 0)).toBe(240_362);
				expect(regions.reduce((a, r) => a + r.awardValueGbp, 0)).toBe(196_074_277);
				expect(regions.every((r) => r.caseloadProvenance === 'modelled')).toBe(true);
				const northEast = regions.find((r) => r.name === 'North East')!;
				expect(northEast).toMatchObject({ code: 'N54', rmCode: 'A', pduCount: 7, awardCount: 6 });
			});

			it('finds a region by nDelius code or R&M letter, in any case, and nothing for a bad code', async () => {
				expect(await findRegionCode(db, 'N54')).toBe('N54');
				expect(await findRegionCode(db, 'a')).toBe('N54');
				expect(await findRegionCode(db, 'ZZ')).toBeUndefined();
			});

			it('lists the PCC areas of a region', async () => {
				const areas = await listPccAreas(db, 'N54');
				expect(areas.map((a) => a.id).sort()).toEqual(['cleveland', 'durham', 'northumbria']);
			});
		});

		describe('PDUs', () => {
			it('lists current PDUs by region with a PCC area and modelled caseload each', async () => {
				const pdus = await listPdus(db, { regionCode: 'N54' });
				expect(pdus).toHaveLength(7);
				for (const pdu of pdus) {
					expect(pdu.pccAreas.length).toBeGreaterThan(0);
					expect(pdu.caseload).toBeGreaterThan(0);
					expect(pdu.caseloadProvenance).toBe('modelled');
				}
			});

			it('gives a PDU its districts, needs and caseload, by code or slug', async () => {
				const byCode = await findPdu(db, 'N53DRBY');
				const bySlug = await findPdu(db, 'derby-city');
				expect(bySlug?.code).toBe(byCode?.code);
				expect(byCode?.lads.map((l) => l.name)).toEqual(['Derby']);
				const accommodation = byCode!.needs.find((n) => n.category === 'Accommodation')!;
				expect(accommodation.people).toBe(Math.round(byCode!.caseload! * 0.39));
				expect(byCode!.needs.find((n) => n.category === 'Social Inclusion')!.people).toBeNull();
				expect(await findPdu(db, 'NOPE')).toBeUndefined();
			});

			it('shares a split district equally between its two PDUs', async () => {
				const caseloads = await listCaseloads(db);
				expect(caseloads).toHaveLength(108);
				const pdus = await listPdus(db, { regionCode: 'N51' });
				const north = pdus.find((p) => p.name === 'Liverpool North')!;
				const south = pdus.find((p) => p.name === 'Liverpool South')!;
				expect(north.population).toBeNull();
				expect(Math.abs(north.caseload! - south.caseload!)).toBeLessThanOrEqual(1);
			});

			it('records the 2024–25 PDU changes and when the new PDUs began', async () => {
				const pdu = await findPdu(db, 'N52STF');
				expect(pdu?.validFrom).toBe('2024-12-09');
				expect(pdu?.changes[0]).toMatchObject({
					change: 'split',
					oldName: 'Staffordshire and Stoke'
				});
			});
		});

		describe('services', () => {
			it('maps the 2021 awards onto the supply model with published values', async () => {
				const awards = await listServices(db, { source: 'crs', year: 2021 });
				expect(awards).toHaveLength(66);
				expect(awards.every((a) => a.recordType === 'award' && a.mechanism === 'call-off')).toBe(
					true
				);
				const durham = awards.find(
					(a) =>
						a.regionCode === 'N54' &&
						a.leadProvider === 'St Giles Wise Group Partnership' &&
						a.contractType === 'WOS'
				)!;
				expect(durham).toMatchObject({
					totalValueGbp: 866_581,
					sex: 'female',
					lotLevel: 'pcc-area'
				});
				expect(durham.pccAreas).toEqual([{ id: 'durham', until: null }]);
			});

			it('keeps the PCC areas an award covered only until June 2023', async () => {
				const [award] = (await listServices(db, { regionCode: 'N51', year: 2021 })).filter(
					(a) => a.leadProvider === "Women's Community Matters"
				);
				expect(award!.pccAreas).toEqual([{ id: 'cumbria', until: '2023-06-30' }]);
				expect(award!.notes).toBe('Subject to contract');
			});

			it('filters by category and by organisation, as lead or subcontractor', async () => {
				const accommodation = await listServices(db, {
					category: 'Accommodation',
					regionCode: 'N53',
					recordType: 'award'
				});
				// The Accommodation lot, plus the Women's Services lots, which cover all eight categories for women.
				expect(
					accommodation.filter((s) => s.contractType === 'ACC').map((s) => s.leadProvider)
				).toEqual(['Nacro']);
				expect(
					accommodation
						.filter((s) => s.contractType !== 'ACC')
						.every((s) => s.contractType === 'WOS' && s.sex === 'female')
				).toBe(true);
				const shelter = (await listOrganisations(db)).find((o) => o.name === 'Shelter')!;
				const shelterServices = await listServices(db, { organisationId: shelter.id });
				expect(shelterServices.some((s) => s.leadOrganisationId === shelter.id)).toBe(true);
				expect(shelterServices.some((s) => s.subcontractors.some((x) => x.id === shelter.id))).toBe(
					true
				);
			});

			it('links an award and its R&M definitions both ways', async () => {
				const award = (
					await listServices(db, {
						regionCode: 'N53',
						recordType: 'award',
						category: 'Accommodation'
					})
				)[0]!;
				expect(award.linkedReferences).toEqual(['PRJ_5549']);
				const definition = await findService(db, 'PRJ_5549');
				expect(definition?.linkedReferences).toEqual([award.reference]);
				expect(definition?.subcontractors.map((s) => s.name)).toEqual([
					'Shelter',
					'The Bridge (East Midlands)'
				]);
			});

			it('places sites by district and region', async () => {
				const hubs = await listSites(db, { regionCode: 'N55', kind: 'cfo' });
				expect(hubs.map((h) => h.ladName)).toContain('Leeds');
				expect(hubs.every((h) => h.locationPrecision === 'lad-centroid')).toBe(true);
				const derbyOffices = await listSites(db, { ladCodes: ['E06000015'] });
				expect(derbyOffices.length).toBeGreaterThan(0);
				expect(derbyOffices.every((o) => o.locationPrecision === 'postcode-district')).toBe(true);
				expect(await listSites(db, { ladCodes: [] })).toEqual([]);
			});
		});

		describe('organisations, demand and datasets', () => {
			it('counts what an organisation leads and subcontracts, and what 2021 value it leads', async () => {
				const nacro = (await listOrganisations(db)).find((o) => o.name === 'Nacro')!;
				expect(nacro.orgType).toBe('vcse');
				expect(nacro.awardValueLedGbp).toBe(2_963_412 + 3_054_280 + 633_425 + 3_823_196);
				const again = await findOrganisation(db, nacro.id);
				expect(again?.leadCount).toBe(nacro.leadCount);
				const catch22 = (await listOrganisations(db)).find(
					(o) => o.name === 'Catch22 Charity Limited'
				)!;
				expect(catch22.aliases.map((a) => a.alias)).toEqual(['Catch 22']);
			});

			it('returns the three published need shares', async () => {
				const shares = await listNeedShares(db);
				expect(Object.fromEntries(shares.map((s) => [s.category, s.share]))).toEqual({
					Accommodation: 0.39,
					'Lifestyle and Associates': 0.71,
					'Dependency and Recovery': 0.24
				});
			});

			it('describes every dataset with its current version, and labels the caseload modelled', async () => {
				const datasets = await listDatasets(db);
				expect(datasets.find((d) => d.key === 'crs-awards-2021')).toMatchObject({
					rowCount: 66,
					version: 1,
					provenance: 'published'
				});
				expect(datasets.find((d) => d.key === 'caseload')).toMatchObject({
					rowCount: 108,
					provenance: 'modelled'
				});
				expect(
					datasets.every((d) => d.licence.length > 0 && d.source.length > 0 && d.vintage.length > 0)
				).toBe(true);
			});
		});
	},
	{ seed: true }
);
