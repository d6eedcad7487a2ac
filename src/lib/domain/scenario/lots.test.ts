import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { herfindahl } from '../market';
import { runScenario } from './run';
import { changes, makeAssumptions, makeBaseline, ORGANISATIONS } from './test-fixtures';
import type { ScenarioOrganisation, ScenarioResult } from './types';

const baseline = makeBaseline();
const assumptions = makeAssumptions();

const relet = (over: object = {}) => ({
	type: 'relet' as const,
	id: 'relet',
	region: 'R',
	category: 'Accommodation',
	lotGeography: 'pcc-area' as const,
	annualGbp: 300_000,
	...over
});
const inclusion = (over: object = {}) => ({
	type: 'inclusion' as const,
	id: 'inc',
	region: 'R',
	category: 'Accommodation',
	...over
});

function row(result: ScenarioResult, pdu: string, category = 'Accommodation') {
	return result.pdus.find((r) => r.pdu === pdu && r.category === category && r.subgroup === 'all')!;
}

describe('re-let (grants versus contracts): hand-worked region', () => {
	const result = runScenario(baseline, changes(relet()), assumptions);
	const design = result.lots[0]!;

	it('replaces the category’s CRS contracts in the region and keeps the ROIF grant', () => {
		expect(design.replaced.map((s) => s.reference)).toEqual(['S1', 'S2']);
		expect(design.currentSpendGbp).toBe(200_000);
		expect(design.annualGbp).toBe(300_000);
		expect(design.basis).toBe('relet');
	});

	it('splits the £ across PCC-area lots by need: 2,000 : 500', () => {
		expect(design.lots.map((l) => [l.id, l.pdus, l.annualValueGbp, l.route])).toEqual([
			['a', ['P1', 'P2'], 240_000, 'contract'],
			['b', ['P3'], 60_000, 'contract']
		]);
	});

	it('delivers each lot’s places across its PDUs by need, plus the grant that goes on', () => {
		// lot a: 240 places 1:3 → 60, 180; lot b: 60 → P3; S3 grant 10, 30, 10.
		for (const [pdu, places] of [
			['P1', 70],
			['P2', 210],
			['P3', 70],
			['P4', 0]
		] as const)
			expect(row(result, pdu).scenario.places).toBeCloseTo(places, 9);
		expect(design.coverage.placesBefore).toBeCloseTo(250, 9);
		expect(design.coverage.placesAfter).toBeCloseTo(350, 9);
		expect(design.coverage.gapBefore).toBeCloseTo(2250, 9);
		expect(design.coverage.gapAfter).toBeCloseTo(2150, 9);
		expect(row(result, 'P4').changed).toBe(false);
	});

	it('leaves services for one group (a women’s service) to their own lots', () => {
		const women = makeBaseline({
			services: [
				...baseline.services,
				{ ...baseline.services[0]!, reference: 'W1', sex: 'female', annualValueGbp: 20_000 }
			]
		});
		const r = runScenario(women, changes(relet()), assumptions);
		expect(r.lots[0]!.replaced.map((s) => s.reference)).toEqual(['S1', 'S2']);
		expect(row(r, 'P1').scenario.places).toBeCloseTo(74, 9);
	});

	it('re-lets only the category: the ETE half of a two-category contract goes on', () => {
		const ete = result.pdus.filter((r) => r.category === 'Education, Training and Employment');
		expect(ete.every((r) => !r.changed && r.scenario.places === r.baseline.places)).toBe(true);
		expect(row(result, 'P1', 'Education, Training and Employment').scenario.places).toBeCloseTo(
			25,
			9
		);
	});

	it('judges who could bid for each lot, with unknown incomes counted apart', () => {
		const [a, b] = design.lots;
		expect(a!.eligible.map((e) => `${e.name}:${e.via}`)).toEqual([
			'Big Prime Ltd:alone',
			'Mid Charity:alone',
			'Small Charity:consortium'
		]);
		expect(a!.turnoverThresholdGbp).toBe(480_000);
		expect(a!.notKnown.map((n) => n.name)).toEqual(['Unknown Org']);
		expect(a!.ineligible).toBe(1);
		expect(a!.potentialBids).toBe(2);
		expect(a!.atRisk).toBe(false);
		expect(b!.potentialBids).toBe(3);
		expect(a!.canLead).toEqual({ small: true, micro: false, vcse: true, byAndFor: false });
		expect(design.eligibleOrganisations).toBe(3);
		expect(design.notKnownOrganisations).toBe(1);
		expect(a!.candidates).toBe(5);
	});

	it('shares of £ reachable by small, micro, VCSE and "by and for" organisations', () => {
		const s = design.summary.shares;
		expect(s.small).toEqual({ valueGbp: 300_000, share: 1 });
		expect(s.micro).toEqual({ valueGbp: 0, share: 0 });
		expect(s.vcse).toEqual({ valueGbp: 300_000, share: 1 });
		expect(s.byAndFor).toEqual({ valueGbp: 0, share: 0 });
		expect(s.smallAsSubcontractor).toEqual({ valueGbp: 300_000, share: 1 });
	});

	it('counts transaction costs: £20,000 a lot and £8,000 a bid', () => {
		expect(design.summary.costs).toEqual({
			commissionerGbp: 40_000,
			biddersGbp: 40_000,
			capacityBuildingGbp: 0,
			totalGbp: 80_000,
			perYearGbp: 80_000 / 3
		});
	});

	it('measures lead-provider concentration before and after', () => {
		const m = result.market[0]!;
		// Before: Big Prime £100k, Mid Charity £100k, Small Charity £50k.
		expect(m.before).toEqual({ valueGbp: 250_000, hhi: 3600, top3Share: 1, leads: 3 });
		expect(m.afterLow.hhi).toBeCloseTo(herfindahl([50_000, 240_000, 60_000])!, 9);
		expect(m.afterHigh.hhi).toBeCloseTo(10_000, 9);
		expect(m.withoutInclusion).toBeNull();
	});

	it.each([
		{ geo: 'region', lots: [['R', 300_000]] },
		{
			geo: 'pdu',
			lots: [
				['P1', 60_000],
				['P2', 180_000],
				['P3', 60_000]
			]
		},
		{
			geo: { groups: [{ name: 'North', pdus: ['P1', 'P3'] }, { pdus: ['P2'] }] },
			lots: [
				['group-1', 120_000],
				['group-2', 180_000]
			]
		}
	])('lot geography $geo', ({ geo, lots }) => {
		const r = runScenario(baseline, changes(relet({ lotGeography: geo })), assumptions);
		expect(r.lots[0]!.lots.map((l) => [l.id, l.annualValueGbp])).toEqual(lots);
		const total = r.lots[0]!.lots.reduce((s, l) => s + l.annualValueGbp, 0);
		expect(total).toBe(300_000);
		expect(r.lots[0]!.coverage.placesAfter).toBeCloseTo(350, 9);
	});

	it('warns about PDUs outside the region or left out of every lot', () => {
		const r = runScenario(
			baseline,
			changes(relet({ lotGeography: { groups: [{ pdus: ['P1', 'P4'] }] } })),
			assumptions
		);
		expect(r.warnings.some((w) => w.includes('P4 is not in region R'))).toBe(true);
		expect(r.warnings.some((w) => w.includes('no lot covers P2, P3'))).toBe(true);
		expect(row(r, 'P2').scenario.places).toBeCloseTo(30, 9);
		expect(row(r, 'P1').scenario.places).toBeCloseTo(310, 9);
	});

	it('a grant route uses proportionate thresholds: the micro "by and for" group can bid', () => {
		const r = runScenario(baseline, changes(relet({ mechanism: 'grant' })), assumptions);
		const b = r.lots[0]!.lots[1]!;
		expect(b.route).toBe('grant');
		expect(b.turnoverMultiple).toBe(1);
		expect(b.dfRegistrationRequired).toBe(false);
		expect(b.eligible.map((e) => e.name)).toContain('Micro By and For');
		expect(b.canLead.micro).toBe(true);
		expect(r.lots[0]!.summary.costs.commissionerGbp).toBe(10_000);
	});

	it('without a £ figure, re-lets the current spend; the insurance threshold is recorded, not checked', () => {
		const r = runScenario(
			baseline,
			changes(relet({ annualGbp: undefined, eligibility: { minInsuranceGbp: 5_000_000 } })),
			assumptions
		);
		expect(r.lots[0]!.annualGbp).toBe(200_000);
		expect(r.lots[0]!.minInsuranceGbp).toBe(5_000_000);
		expect(r.warnings.some((w) => w.includes('insurance'))).toBe(true);
		expect(r.headline.placesAdded).toBeCloseTo(0, 9);
	});

	it('a lot nobody is known to be able to win is at risk (but assumed let for coverage)', () => {
		const r = runScenario(
			baseline,
			changes(
				relet({
					annualGbp: 3_000_000,
					eligibility: { turnoverMultiple: 100 },
					consortiaAllowed: false
				})
			),
			assumptions
		);
		expect(r.lots[0]!.summary.lotsAtRisk).toEqual(['a', 'b']);
		expect(r.lots[0]!.summary.costs.biddersGbp).toBe(0);
		expect(r.lots[0]!.coverage.placesAfter).toBeCloseTo(3050, 9);
	});

	it('an unknown region is ignored with a warning', () => {
		const r = runScenario(baseline, changes(relet({ region: 'Z' })), assumptions);
		expect(r.lots).toEqual([]);
		expect(r.warnings[0]).toMatch(/region Z has no PDUs/);
		expect(r.pdus.every((x) => !x.changed)).toBe(true);
	});
});

describe('smaller-provider inclusion on a re-let: hand-worked', () => {
	const result = runScenario(
		baseline,
		changes(
			relet(),
			inclusion({
				setAsidePercent: 20,
				setAsideFor: 'small',
				maxLotGbp: 150_000,
				grantRouteUnderGbp: 50_000,
				capacityBuildingFundGbp: 10_000
			})
		),
		assumptions
	);
	const design = result.lots[0]!;

	it('splits big lots, then sets aside 20% of each part; small parts go to the grant route', () => {
		expect(design.inclusionChangeId).toBe('inc');
		expect(
			design.lots.map((l) => [l.id, l.annualValueGbp, l.route, l.setAside, l.potentialBids])
		).toEqual([
			['a-part-1-of-2-set-aside', 24_000, 'grant', true, 2],
			['a-part-1-of-2', 96_000, 'contract', false, 3],
			['a-part-2-of-2-set-aside', 24_000, 'grant', true, 2],
			['a-part-2-of-2', 96_000, 'contract', false, 3],
			['b-set-aside', 12_000, 'grant', true, 2],
			['b', 48_000, 'grant', false, 4]
		]);
		expect(design.lots[0]!.eligible.map((e) => e.name)).toEqual([
			'Micro By and For',
			'Small Charity'
		]);
		expect(design.lots[0]!.name).toBe('Area A PCC area (part 1 of 2) — set-aside');
	});

	it('raises the share of £ micro organisations could lead, with costs counted', () => {
		expect(design.summary.shares.micro.valueGbp).toBe(108_000);
		expect(design.summary.shares.micro.share).toBeCloseTo(0.36, 12);
		expect(design.withoutInclusion!.shares.micro.share).toBe(0);
		expect(design.summary.costs).toEqual({
			commissionerGbp: 60_000,
			biddersGbp: 63_000,
			capacityBuildingGbp: 10_000,
			totalGbp: 133_000,
			perYearGbp: 133_000 / 3
		});
		expect(design.withoutInclusion!.costs.totalGbp).toBe(80_000);
	});

	it('leaves coverage as the re-let alone (the measures move money between lots, not places)', () => {
		const alone = runScenario(baseline, changes(relet()), assumptions);
		expect(result.pdus).toEqual(alone.pdus);
	});

	it('lowers lead-provider concentration when each lot has a different winner', () => {
		const m = result.market[0]!;
		expect(m.afterLow.hhi!).toBeLessThan(m.withoutInclusion!.afterLow.hhi!);
		expect(m.afterLow.hhi).toBeCloseTo(
			herfindahl([50_000, 24_000, 96_000, 24_000, 96_000, 12_000, 48_000])!,
			9
		);
	});

	it('without a re-let, applies to the current contracts as one regional lot', () => {
		const r = runScenario(baseline, changes(inclusion({ setAsidePercent: 10 })), assumptions);
		const d = r.lots[0]!;
		expect(d.basis).toBe('current-spend');
		expect(d.annualGbp).toBe(200_000);
		expect(d.lots.map((l) => [l.id, l.annualValueGbp])).toEqual([
			['R-set-aside', 20_000],
			['R', 180_000]
		]);
		expect(r.warnings.some((w) => w.includes('current contracts'))).toBe(true);
		expect(r.headline.placesAdded).toBeCloseTo(0, 9);
	});
});

const arbOrgs = fc.array(
	fc.record({
		income: fc.option(fc.integer({ min: 10_000, max: 20_000_000 }), { nil: null }),
		df: fc.option(fc.boolean(), { nil: null }),
		vcse: fc.boolean(),
		byAndFor: fc.option(fc.boolean(), { nil: null })
	}),
	{ maxLength: 10 }
);

function toFacts(
	facts: { income: number | null; df: boolean | null; vcse: boolean; byAndFor: boolean | null }[]
): ScenarioOrganisation[] {
	return facts.map((f, i) => ({
		...ORGANISATIONS[1]!,
		id: i + 1,
		name: `Org ${i + 1}`,
		orgType: f.vcse ? 'vcse' : 'private',
		annualIncomeGbp: f.income,
		dfRegistered: f.df,
		byAndFor: f.byAndFor
	}));
}

describe('inclusion properties', () => {
	it('a set-aside never lowers the share of £ small organisations could lead', () => {
		fc.assert(
			fc.property(
				arbOrgs,
				fc.integer({ min: 0, max: 100 }),
				fc.constantFrom('small', 'small-or-specialist'),
				fc.option(fc.integer({ min: 10_000, max: 400_000 }), { nil: null }),
				fc.option(fc.integer({ min: 5_000, max: 200_000 }), { nil: null }),
				fc.constantFrom('region', 'pcc-area', 'pdu'),
				fc.boolean(),
				(
					facts,
					pct,
					setAsideFor,
					maxLotGbp,
					grantRouteUnderGbp,
					lotGeography,
					consortiaAllowed
				) => {
					const b = makeBaseline({ organisations: toFacts(facts) });
					const run = (setAsidePercent: number) =>
						runScenario(
							b,
							changes(
								relet({ lotGeography, consortiaAllowed }),
								inclusion({ setAsidePercent, setAsideFor, maxLotGbp, grantRouteUnderGbp })
							),
							assumptions
						).lots[0]!;
					const without = run(0);
					const withSetAside = run(pct);
					expect(withSetAside.summary.shares.small.valueGbp).toBeGreaterThanOrEqual(
						without.summary.shares.small.valueGbp - 1e-6
					);
					expect(withSetAside.summary.shares.small.valueGbp).toBeGreaterThanOrEqual(
						withSetAside.withoutInclusion!.shares.small.valueGbp - 1e-6
					);
				}
			),
			{ numRuns: 150 }
		);
	});

	it('raising a re-let’s turnover threshold never adds eligible bidders to any lot', () => {
		fc.assert(
			fc.property(
				arbOrgs,
				fc.double({ min: 0, max: 8, noNaN: true }),
				fc.double({ min: 0, max: 8, noNaN: true }),
				fc.integer({ min: 0, max: 100 }),
				fc.option(fc.integer({ min: 5_000, max: 200_000 }), { nil: null }),
				(facts, x, y, setAsidePercent, grantRouteUnderGbp) => {
					const b = makeBaseline({ organisations: toFacts(facts) });
					const [lo, hi] = x <= y ? [x, y] : [y, x];
					const run = (turnoverMultiple: number) =>
						runScenario(
							b,
							changes(
								relet({ eligibility: { turnoverMultiple } }),
								inclusion({ setAsidePercent, grantRouteUnderGbp })
							),
							assumptions
						).lots[0]!;
					const low = run(lo);
					const high = run(hi);
					high.lots.forEach((lot, k) => {
						const before = new Set(low.lots[k]!.eligible.map((e) => e.id));
						expect(lot.id).toBe(low.lots[k]!.id);
						for (const e of lot.eligible) expect(before.has(e.id)).toBe(true);
					});
					expect(high.eligibleOrganisations).toBeLessThanOrEqual(low.eligibleOrganisations);
				}
			),
			{ numRuns: 150 }
		);
	});
});
