import { describe, expect, it } from 'vitest';
import { CRS_CATEGORIES } from '../categories';
import { SUBGROUPS } from '../subgroups';
import { SCENARIO_ASSUMPTION_NOTES } from './assumptions';
import { prepareScenarioBase } from './base';
import { indexExplanations } from './explain';
import { explainId } from './ids';
import { runScenario } from './run';
import { changes, makeAssumptions, makeBaseline } from './test-fixtures';
import type { ExplainEntry, ScenarioResult } from './types';

const baseline = makeBaseline();
const assumptions = makeAssumptions();

const ALL_THREE = changes(
	{
		type: 'relet',
		id: 'relet',
		region: 'R',
		category: 'Accommodation',
		lotGeography: 'pcc-area',
		annualGbp: 300_000
	},
	{
		type: 'co-commission',
		id: 'pool',
		partners: [
			{
				name: 'PCC A',
				kind: 'pcc',
				annualGbp: 100_000,
				category: 'Accommodation',
				area: { pccArea: 'a' }
			},
			{
				name: 'Council',
				kind: 'local-authority',
				annualGbp: 30_000,
				category: 'Accommodation',
				area: { region: 'S' },
				subgroup: 'women'
			}
		]
	},
	{
		type: 'inclusion',
		id: 'inc',
		region: 'R',
		category: 'Accommodation',
		setAsidePercent: 25,
		grantRouteUnderGbp: 100_000,
		capacityBuildingFundGbp: 5_000,
		maxLotGbp: 200_000
	}
);

/** Every explanation id a result's numbers should have, by the documented scheme. */
function expectedIds(result: ScenarioResult): string[] {
	const ids: string[] = [];
	for (const r of result.pdus)
		for (const which of ['baseline', 'scenario'] as const)
			for (const measure of ['places', 'gap'] as const)
				ids.push(explainId.pdu(r.pdu, r.category, r.subgroup, which, measure));
	const headline = [
		'needUnknownRows',
		'placesAdded',
		'gapClosed',
		...['baseline', 'scenario'].flatMap((w) =>
			['needCount', 'places', 'gap', 'coverage'].map((f) => `${w}.${f}`)
		)
	];
	for (const h of [result.headline, ...result.byCategory])
		for (const f of headline) ids.push(explainId.headline(f, h.category));
	for (const r of result.coCommission) {
		for (const f of ['gapBefore', 'gbp', 'placesGained', 'gapClosingPlaces', 'gapAfter'])
			ids.push(explainId.coCommission(r.pdu, r.category, r.subgroup, f));
		for (const p of r.partners)
			ids.push(explainId.partner(p.changeId, p.partnerIndex, `pdu.${r.pdu}`));
	}
	for (const f of result.fundingByPartner) {
		for (const field of [
			'annualGbp',
			'allocatedGbp',
			'unallocatedGbp',
			'places',
			'gapClosingPlaces',
			'gbpPerPlace',
			'gbpPerGapClosingPlace'
		])
			ids.push(explainId.partner(f.changeId, f.partnerIndex, field));
		for (const p of f.pdus) ids.push(explainId.partner(f.changeId, f.partnerIndex, `pdu.${p.pdu}`));
	}
	for (const d of result.lots) {
		const summaryFields = [
			...['small', 'micro', 'vcse', 'byAndFor', 'smallAsSubcontractor'].flatMap((k) => [
				`shares.${k}.valueGbp`,
				`shares.${k}.share`
			]),
			'lotsAtRisk',
			...['commissionerGbp', 'biddersGbp', 'capacityBuildingGbp', 'totalGbp', 'perYearGbp'].map(
				(k) => `costs.${k}`
			)
		];
		for (const f of [
			'currentSpendGbp',
			'annualGbp',
			'eligibleOrganisations',
			'notKnownOrganisations',
			...['placesBefore', 'placesAfter', 'gapBefore', 'gapAfter'].map((k) => `coverage.${k}`),
			...summaryFields,
			...(d.withoutInclusion ? summaryFields.map((k) => `withoutInclusion.${k}`) : [])
		])
			ids.push(explainId.design(d.changeId, f));
		for (const lot of d.lots) {
			for (const f of [
				'annualValueGbp',
				'turnoverThresholdGbp',
				'eligible',
				'notKnown',
				'ineligible',
				'potentialBids',
				'expectedBids',
				'atRisk',
				'commissionerCostGbp',
				'bidderCostGbp'
			])
				ids.push(explainId.lot(d.changeId, lot.id, f));
			ids.push(explainId.lot(d.changeId, lot.lotGroup, 'geographicValueGbp'));
		}
	}
	for (const m of result.market) {
		const fields = ['before.valueGbp', 'before.hhi', 'before.top3Share', 'before.leads'];
		for (const w of ['afterLow', 'afterHigh'])
			fields.push(`${w}.valueGbp`, `${w}.hhi`, `${w}.top3Share`);
		if (m.withoutInclusion)
			for (const w of ['afterLow', 'afterHigh'])
				fields.push(
					`withoutInclusion.${w}.valueGbp`,
					`withoutInclusion.${w}.hhi`,
					`withoutInclusion.${w}.top3Share`
				);
		for (const f of fields) ids.push(explainId.market(m.changeId, f));
	}
	return ids;
}

describe('runScenario', () => {
	const result = runScenario(baseline, ALL_THREE, assumptions);

	it('has one row per PDU and category for each subgroup asked for', () => {
		expect(result.pdus).toHaveLength(4 * CRS_CATEGORIES.length);
		const wide = runScenario(baseline, ALL_THREE, makeAssumptions({ subgroups: [...SUBGROUPS] }));
		expect(wide.pdus).toHaveLength(4 * CRS_CATEGORIES.length * SUBGROUPS.length);
		const keys = new Set(wide.pdus.map((r) => `${r.pdu}|${r.category}|${r.subgroup}`));
		expect(keys.size).toBe(wide.pdus.length);
		// The 'all' rows agree whichever subgroups are asked for.
		expect(wide.pdus.filter((r) => r.subgroup === 'all')).toEqual(result.pdus);
		expect(wide.headline).toEqual(result.headline);
	});

	it('applies re-lets before co-commissioning: the pool is shared by the gap the re-let leaves', () => {
		// After the re-let P1 has 70 places (gap 430), P2 210 (gap 1,290): £100,000 shared 1 : 3.
		const pool = result.fundingByPartner[0]!;
		expect(pool.pdus.map((p) => [p.pdu, p.gbp])).toEqual([
			['P1', 25_000],
			['P2', 75_000]
		]);
		const p1 = result.pdus.find((r) => r.pdu === 'P1' && r.category === 'Accommodation')!;
		expect(p1.scenario.places).toBeCloseTo(95, 9);
		expect(p1.scenario.gap).toBeCloseTo(405, 9);
		// The women's ring-fence in region S: P4 has no provider in reach.
		expect(result.cannotFix).toMatchObject([
			{ pdu: 'P4', reason: 'no-provider-in-reach', subgroup: 'women' }
		]);
	});

	it('adds up: headline places added = Σ row changes = lots’ £ change + pool places', () => {
		const sum = result.pdus.reduce((s, r) => s + r.scenario.places - r.baseline.places, 0);
		expect(result.headline.placesAdded).toBeCloseTo(sum, 9);
		// Re-let: £300,000 replaces £200,000 → +100 places; pool +100 places.
		expect(result.headline.placesAdded).toBeCloseTo(200, 9);
		const accommodation = result.byCategory.find((h) => h.category === 'Accommodation')!;
		expect(accommodation.placesAdded).toBeCloseTo(200, 9);
		expect(accommodation.needUnknownRows).toBe(0);
		expect(result.headline.needUnknownRows).toBe(4 * 7);
		expect(result.headline.baseline.needCount).toBe(3500);
		expect(result.headline.baseline.gap).toBeCloseTo(3250, 9);
		expect(result.headline.gapClosed).toBeCloseTo(200, 9);
		expect(result.headline.scenario.coverage).toBeCloseTo(450 / 3500, 12);
	});

	it('is deterministic: the same inputs give the same result, prepared or not', () => {
		const again = runScenario(baseline, ALL_THREE, assumptions);
		expect(JSON.stringify(again)).toBe(JSON.stringify(result));
		const fresh = runScenario(makeBaseline(), ALL_THREE, assumptions);
		expect(JSON.stringify(fresh)).toBe(JSON.stringify(result));
	});

	it('does not depend on the order changes are listed in (beyond their ids)', () => {
		const reversed = runScenario(baseline, [...ALL_THREE].reverse(), assumptions);
		expect(reversed.pdus).toEqual(result.pdus);
		expect(reversed.headline).toEqual(result.headline);
		expect(reversed.lots).toEqual(result.lots);
	});

	it('follows changed assumptions on the same baseline object (the prepared cache is keyed)', () => {
		const dearer = makeAssumptions({ unitCostGbp: { Accommodation: 2000 } });
		const a = runScenario(baseline, ALL_THREE, dearer);
		const b = runScenario(makeBaseline(), ALL_THREE, dearer);
		expect(JSON.stringify(a)).toBe(JSON.stringify(b));
		const p1 = a.pdus.find((r) => r.pdu === 'P1' && r.category === 'Accommodation')!;
		expect(p1.baseline.places).toBeCloseTo(27.5, 9);
		expect(runScenario(baseline, ALL_THREE, assumptions).pdus).toEqual(result.pdus);
	});

	it('returns the assumptions and dataset versions it used', () => {
		expect(result.assumptions).toBe(assumptions);
		expect(result.datasetVersions).toEqual(baseline.datasetVersions);
		expect(result.changes.map((c) => c.id)).toEqual(['relet', 'pool', 'inc']);
	});

	it('explains every number, once, under the documented ids', () => {
		const wide = runScenario(baseline, ALL_THREE, makeAssumptions({ subgroups: [...SUBGROUPS] }));
		for (const r of [result, wide]) {
			const byId = indexExplanations(r.explanations);
			expect(byId.size).toBe(r.explanations.length);
			const missing = expectedIds(r).filter((id) => !byId.has(id));
			expect(missing).toEqual([]);
		}
	});

	it('explanations agree with the numbers they explain', () => {
		const byId = indexExplanations(result.explanations);
		for (const r of result.pdus) {
			expect(
				byId.get(explainId.pdu(r.pdu, r.category, r.subgroup, 'scenario', 'places'))!.value
			).toBe(r.scenario.places);
			expect(byId.get(explainId.pdu(r.pdu, r.category, r.subgroup, 'baseline', 'gap'))!.value).toBe(
				r.baseline.gap
			);
		}
		expect(byId.get('headline:gapClosed')!.value).toBe(result.headline.gapClosed);
		const lot = result.lots[0]!.lots[0]!;
		expect(byId.get(explainId.lot(lot.changeId, lot.id, 'annualValueGbp'))!.value).toBe(
			lot.annualValueGbp
		);
	});

	it('every reference and assumption in an explanation resolves', () => {
		const byId = indexExplanations(result.explanations);
		const dangling = result.explanations.flatMap((e: ExplainEntry) =>
			e.inputs
				.filter((i) => i.ref && !i.ref.startsWith('assumption:') && !byId.has(i.ref))
				.map((i) => `${e.id} → ${i.ref}`)
		);
		expect(dangling).toEqual([]);
		const keys = new Set(
			result.explanations.flatMap((e) =>
				e.assumptions.map((a) => a.replace(/^(unitCostGbp|subgroupShares)\..*$/, '$1'))
			)
		);
		for (const k of keys) expect(SCENARIO_ASSUMPTION_NOTES).toHaveProperty([k]);
		for (const e of result.explanations) expect(e.datasetVersions).toBe(baseline.datasetVersions);
	});

	it('names the services behind a changed row', () => {
		const byId = indexExplanations(result.explanations);
		const p3 = byId.get('pdu:P3:Accommodation:scenario.places')!;
		expect(p3.inputs.map((i) => i.name)).toEqual([
			'ROIF accommodation grant (S3)',
			'Area B PCC area (contract, relet) (scenario:relet:b)'
		]);
		expect(p3.inputs[1]!.ref).toBe('change:relet:lot:b:geographicValueGbp');
		const unchanged = byId.get('pdu:P4:Accommodation:scenario.gap')!;
		expect(unchanged.formula).toMatch(/unchanged/);
		expect(unchanged.inputs[0]!.ref).toBe('pdu:P4:Accommodation:baseline.gap');
	});

	it('does not let a caller change a later run by editing a result', () => {
		const r = runScenario(baseline, [], assumptions);
		expect(() => {
			(r.pdus[0]!.scenario as { places: number }).places = 1e9;
		}).toThrow();
		expect(runScenario(baseline, [], assumptions).pdus[0]!.scenario.places).toBe(55);
	});

	it('prepares a base once per baseline: rows for any category and subgroup, providers in reach', () => {
		const base = prepareScenarioBase(baseline, assumptions);
		for (const c of CRS_CATEGORIES)
			for (const s of SUBGROUPS) expect(base.rows(c, s)).toHaveLength(4);
		expect(base.rows('Accommodation', 'women')).toBe(base.rows('Accommodation', 'women'));
		expect([...base.providerInReach.get('Accommodation')!]).toEqual([1, 1, 1, 0]);
		expect([...base.providerInReach.get('Education, Training and Employment')!]).toEqual([
			1, 1, 0, 1
		]);
	});
});
