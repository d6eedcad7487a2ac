import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessLot, type LotRules } from './eligibility';
import { ORGANISATIONS } from './test-fixtures';
import type { ScenarioOrganisation } from './types';

const rules = (over: Partial<LotRules> = {}): LotRules => ({
	category: 'Accommodation',
	annualValueGbp: 240_000,
	turnoverMultiple: 2,
	dfRegistrationRequired: true,
	consortiaAllowed: true,
	maxConsortiumSize: 3,
	leadRestriction: null,
	...over
});

const names = (r: ReturnType<typeof assessLot>) => r.eligible.map((e) => `${e.name}:${e.via}`);

describe('assessLot', () => {
	it.each([
		{
			title: 'contract £240k, ×2: two alone, the small charity in a consortium',
			rules: rules(),
			eligible: ['Big Prime Ltd:alone', 'Mid Charity:alone', 'Small Charity:consortium'],
			notKnown: ['Unknown Org'],
			ineligible: 1,
			bids: 2
		},
		{
			title: 'no consortia: the small charity is out',
			rules: rules({ consortiaAllowed: false }),
			eligible: ['Big Prime Ltd:alone', 'Mid Charity:alone'],
			notKnown: ['Unknown Org'],
			ineligible: 1,
			bids: 2
		},
		{
			title: '£60k, ×2: three alone',
			rules: rules({ annualValueGbp: 60_000 }),
			eligible: ['Big Prime Ltd:alone', 'Mid Charity:alone', 'Small Charity:alone'],
			notKnown: ['Unknown Org'],
			ineligible: 1,
			bids: 3
		},
		{
			title: 'grant £60k, ×1, no registration: the micro organisation too',
			rules: rules({ annualValueGbp: 60_000, turnoverMultiple: 1, dfRegistrationRequired: false }),
			eligible: [
				'Big Prime Ltd:alone',
				'Micro By and For:alone',
				'Mid Charity:alone',
				'Small Charity:alone'
			],
			notKnown: ['Unknown Org'],
			ineligible: 0,
			bids: 4
		},
		{
			title: 'set-aside for small leads: large organisations only as partners',
			rules: rules({
				annualValueGbp: 500_000,
				leadRestriction: (o) => (o.annualIncomeGbp === null ? null : o.annualIncomeGbp < 1_000_000)
			}),
			eligible: ['Small Charity:consortium'],
			notKnown: ['Unknown Org'],
			ineligible: 1,
			bids: 1
		}
	])('$title', ({ rules, eligible, notKnown, ineligible, bids }) => {
		const r = assessLot(ORGANISATIONS.slice(0, 5), rules);
		expect(names(r)).toEqual(eligible);
		expect(r.notKnown.map((n) => n.name)).toEqual(notKnown);
		expect(r.ineligible).toBe(ineligible);
		expect(r.potentialBids).toBe(bids);
		expect(r.turnoverThresholdGbp).toBe(rules.turnoverMultiple * rules.annualValueGbp);
	});

	it('never guesses an unknown income: it is named with what is missing', () => {
		const r = assessLot(ORGANISATIONS.slice(4, 5), rules({ annualValueGbp: 1 }));
		expect(r.eligible).toEqual([]);
		expect(r.notKnown).toEqual([
			{ id: 5, name: 'Unknown Org', missing: ['Dynamic Framework registration', 'annual income'] }
		]);
	});

	it('forms consortia greedily from the largest incomes', () => {
		const orgs: ScenarioOrganisation[] = [100, 90, 80, 70, 60, 10].map((k, i) => ({
			...ORGANISATIONS[2]!,
			id: 100 + i,
			name: `Org ${k}`,
			annualIncomeGbp: k * 1000
		}));
		// Threshold 200k: 100+90+80 ✓, 70+60+10 ✗ → one consortium.
		const r = assessLot(orgs, rules({ annualValueGbp: 100_000 }));
		expect(r.potentialBids).toBe(1);
		// Everyone but the 10k organisation could lead one (10 + 100 + 90 = 200 ✓ too).
		expect(r.eligible).toHaveLength(6);
		// Threshold 150k: 100+90 ✓, 80+70 ✓, 60+10 ✗ → two.
		expect(assessLot(orgs, rules({ annualValueGbp: 75_000 })).potentialBids).toBe(2);
	});
});

const arbOrg = fc.record({
	income: fc.option(fc.integer({ min: 0, max: 50_000_000 }), { nil: null }),
	df: fc.option(fc.boolean(), { nil: null }),
	small: fc.boolean()
});

describe('assessLot properties', () => {
	it('raising the turnover multiple never adds eligible bidders', () => {
		fc.assert(
			fc.property(
				fc.array(arbOrg, { maxLength: 12 }),
				fc.double({ min: 0, max: 10, noNaN: true }),
				fc.double({ min: 0, max: 10, noNaN: true }),
				fc.integer({ min: 0, max: 5_000_000 }),
				fc.boolean(),
				fc.boolean(),
				fc.integer({ min: 1, max: 4 }),
				(facts, x, y, value, consortia, df, size) => {
					const orgs: ScenarioOrganisation[] = facts.map((f, i) => ({
						...ORGANISATIONS[0]!,
						id: i + 1,
						name: `Org ${i + 1}`,
						annualIncomeGbp: f.income,
						dfRegistered: f.df
					}));
					const [lo, hi] = x <= y ? [x, y] : [y, x];
					const at = (k: number) =>
						assessLot(
							orgs,
							rules({
								annualValueGbp: value,
								turnoverMultiple: k,
								consortiaAllowed: consortia,
								dfRegistrationRequired: df,
								maxConsortiumSize: size
							})
						);
					const low = at(lo);
					const high = at(hi);
					const lowIds = new Set(low.eligible.map((e) => e.id));
					for (const e of high.eligible) expect(lowIds.has(e.id)).toBe(true);
					expect(high.eligible.length).toBeLessThanOrEqual(low.eligible.length);
					expect(high.eligible.filter((e) => e.via === 'alone').length).toBeLessThanOrEqual(
						low.eligible.filter((e) => e.via === 'alone').length
					);
				}
			),
			{ numRuns: 300 }
		);
	});
});
