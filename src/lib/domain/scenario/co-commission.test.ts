import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from './run';
import { changes, makeAssumptions, makeBaseline, SERVICES } from './test-fixtures';
import type { PartnerArea, ScenarioChangeInput } from './schema';
import type { ScenarioResult } from './types';

const baseline = makeBaseline();
const assumptions = makeAssumptions();

function row(result: ScenarioResult, pdu: string, category = 'Accommodation', subgroup = 'all') {
	const r = result.pdus.find(
		(x) => x.pdu === pdu && x.category === category && x.subgroup === subgroup
	);
	if (!r) throw new Error(`no row ${pdu} ${category} ${subgroup}`);
	return r;
}

type PartnerIn = Extract<ScenarioChangeInput, { type: 'co-commission' }>['partners'][number];

function partner(annualGbp: number, area: PartnerArea, over: Partial<PartnerIn> = {}): PartnerIn {
	return {
		name: 'Area PCC',
		kind: 'pcc',
		annualGbp,
		category: 'Accommodation',
		area,
		...over
	};
}

describe('co-commissioning: hand-worked region', () => {
	const empty = runScenario(baseline, [], assumptions);

	it('the baseline matches the hand-worked places and gaps', () => {
		const expected: [string, number, number][] = [
			['P1', 55, 445],
			['P2', 165, 1335],
			['P3', 30, 470],
			['P4', 0, 1000]
		];
		for (const [pdu, places, gap] of expected) {
			const r = row(empty, pdu);
			expect(r.baseline.places).toBeCloseTo(places, 9);
			expect(r.baseline.gap).toBeCloseTo(gap, 9);
			expect(r.scenario).toEqual(r.baseline);
		}
	});

	it.each([
		{
			title: 'PCC area a: £100,000 shared 445 : 1,335 by gap',
			area: { pccArea: 'a' },
			gbp: 100_000,
			places: { P1: 25, P2: 75 } as Record<string, number>
		},
		{
			title: 'region R: £225,000 shared 445 : 1,335 : 470',
			area: { region: 'R' },
			gbp: 225_000,
			places: { P1: 44.5, P2: 133.5, P3: 47 } as Record<string, number>
		},
		{
			title: 'named PDUs P2 and P3: £180,500 shared 1,335 : 470',
			area: { pdus: ['P2', 'P3'] },
			gbp: 180_500,
			places: { P2: 133.5, P3: 47 } as Record<string, number>
		}
	])('$title', ({ area, gbp, places }) => {
		const result = runScenario(
			baseline,
			changes({ type: 'co-commission', partners: [partner(gbp, area)] }),
			assumptions
		);
		for (const pdu of ['P1', 'P2', 'P3', 'P4']) {
			const r = row(result, pdu);
			const gained = places[pdu] ?? 0;
			expect(r.scenario.places - r.baseline.places).toBeCloseTo(gained, 9);
			expect(r.scenario.gap).toBeCloseTo(r.baseline.gap! - gained, 9);
			expect(r.changed).toBe(gained > 0);
		}
		const [funding] = result.fundingByPartner;
		expect(funding!.allocatedGbp).toBeCloseTo(gbp, 6);
		expect(funding!.unallocatedGbp).toBe(0);
		expect(funding!.places).toBeCloseTo(gbp / 1000, 9);
		expect(funding!.gapClosingPlaces).toBeCloseTo(gbp / 1000, 9);
		expect(funding!.gbpPerPlace).toBeCloseTo(1000, 6);
		expect(funding!.gbpPerGapClosingPlace).toBeCloseTo(1000, 6);
		expect(result.headline.placesAdded).toBeCloseTo(gbp / 1000, 9);
		expect(result.headline.gapClosed).toBeCloseTo(gbp / 1000, 9);
		expect(result.cannotFix).toEqual([]);
	});

	it('£0 from a partner changes nothing', () => {
		const result = runScenario(
			baseline,
			changes({ type: 'co-commission', partners: [partner(0, { region: 'R' })] }),
			assumptions
		);
		expect(result.pdus).toEqual(empty.pdus);
		expect(result.headline).toEqual(empty.headline);
		expect(result.byCategory).toEqual(empty.byCategory);
		expect(result.coCommission).toEqual([]);
		expect(result.cannotFix).toEqual([]);
		expect(result.fundingByPartner[0]).toMatchObject({
			annualGbp: 0,
			allocatedGbp: 0,
			unallocatedGbp: 0,
			places: 0,
			gbpPerPlace: null,
			pdus: []
		});
	});

	it('adding a £0 partner to a pool changes no number', () => {
		const one = runScenario(
			baseline,
			changes({ type: 'co-commission', partners: [partner(90_000, { region: 'R' })] }),
			assumptions
		);
		const two = runScenario(
			baseline,
			changes({
				type: 'co-commission',
				partners: [
					partner(90_000, { region: 'R' }),
					partner(0, { region: 'R' }, { name: 'Council', kind: 'local-authority' })
				]
			}),
			assumptions
		);
		expect(two.pdus).toEqual(one.pdus);
		expect(two.headline).toEqual(one.headline);
		expect(two.coCommission).toEqual(one.coCommission);
	});

	it('pooled partners each pay their share of every PDU’s places, and the £ adds up', () => {
		const result = runScenario(
			baseline,
			changes({
				type: 'co-commission',
				partners: [
					partner(60_000, { pccArea: 'a' }, { name: 'PCC A' }),
					partner(40_000, { pccArea: 'a' }, { name: 'ICB', kind: 'nhs' })
				]
			}),
			assumptions
		);
		expect(result.coCommission).toHaveLength(2);
		for (const r of result.coCommission) {
			expect(r.partners.map((p) => p.partner)).toEqual(['PCC A', 'ICB']);
			expect(r.partners[0]!.share).toBeCloseTo(0.6, 9);
			expect(r.partners[1]!.share).toBeCloseTo(0.4, 9);
			expect(r.partners.reduce((s, p) => s + p.gbp, 0)).toBeCloseTo(r.gbp, 6);
			expect(r.partners.reduce((s, p) => s + p.share, 0)).toBeCloseTo(1, 12);
		}
		const p1 = result.coCommission.find((r) => r.pdu === 'P1')!;
		expect(p1.gbp).toBeCloseTo(25_000, 6);
		expect(p1.placesGained).toBeCloseTo(25, 9);
		for (const f of result.fundingByPartner) {
			expect(f.pdus.reduce((s, p) => s + p.gbp, 0)).toBeCloseTo(f.annualGbp, 6);
			expect(f.pdus.map((p) => p.pdu)).toEqual(['P1', 'P2']);
		}
	});

	it('pooled £ split by share adds up exactly to each partner’s total (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 500_000_000 }), { minLength: 1, maxLength: 4 }),
				fc.constantFrom<PartnerArea>(
					{ region: 'R' },
					{ pccArea: 'a' },
					{ pdus: ['P1', 'P3'] },
					{ pdus: ['P3'] }
				),
				(pennies, area) => {
					const result = runScenario(
						baseline,
						changes({
							type: 'co-commission',
							partners: pennies.map((p, i) => partner(p / 100, area, { name: `Partner ${i}` }))
						}),
						assumptions
					);
					for (const f of result.fundingByPartner) {
						const spent = f.pdus.reduce((s, p) => s + Math.round(p.gbp * 100), 0);
						expect(spent).toBe(Math.round(f.annualGbp * 100));
						expect(f.allocatedGbp + f.unallocatedGbp).toBeCloseTo(f.annualGbp, 6);
					}
					const total = pennies.reduce((a, b) => a + b, 0) / 100;
					const pooled = result.coCommission.reduce((s, r) => s + r.gbp, 0);
					expect(pooled).toBeCloseTo(total, 6);
					for (const r of result.coCommission)
						expect(r.partners.reduce((s, p) => s + p.gbp, 0)).toBeCloseTo(r.gbp, 6);
				}
			),
			{ numRuns: 60 }
		);
	});

	it('money beyond the gap buys places that close no gap: £ per gap-closing place is higher', () => {
		const result = runScenario(
			baseline,
			changes({ type: 'co-commission', partners: [partner(2_000_000, { pccArea: 'a' })] }),
			assumptions
		);
		const f = result.fundingByPartner[0]!;
		expect(f.places).toBeCloseTo(2000, 9);
		expect(f.gapClosingPlaces).toBeCloseTo(445 + 1335, 9);
		expect(f.gbpPerPlace).toBeCloseTo(1000, 9);
		expect(f.gbpPerGapClosingPlace).toBeCloseTo(2_000_000 / 1780, 9);
		expect(row(result, 'P1').scenario.gap).toBe(0);
		expect(row(result, 'P2').scenario.gap).toBe(0);
		expect(result.headline.gapClosed).toBeCloseTo(1780, 9);
	});

	it('money where need is not known, or no provider is in reach, is in cannotFix and unspent', () => {
		const result = runScenario(
			baseline,
			changes({
				type: 'co-commission',
				partners: [
					partner(
						50_000,
						{ region: 'R' },
						{ name: 'Lifestyle fund', category: 'Lifestyle and Associates' }
					),
					partner(70_000, { region: 'S' }, { name: 'Region S fund' })
				]
			}),
			assumptions
		);
		const reasons = result.cannotFix.map((c) => [
			c.pdu,
			c.category,
			c.reason,
			c.partners[0]!.partner
		]);
		expect(reasons).toEqual([
			['P1', 'Lifestyle and Associates', 'need-unknown', 'Lifestyle fund'],
			['P2', 'Lifestyle and Associates', 'need-unknown', 'Lifestyle fund'],
			['P3', 'Lifestyle and Associates', 'need-unknown', 'Lifestyle fund'],
			['P4', 'Accommodation', 'no-provider-in-reach', 'Region S fund']
		]);
		for (const f of result.fundingByPartner) {
			expect(f.allocatedGbp).toBe(0);
			expect(f.unallocatedGbp).toBe(f.annualGbp);
		}
		expect(result.pdus.every((r) => !r.changed)).toBe(true);
		expect(result.warnings.filter((w) => w.includes('cannot be spent'))).toHaveLength(2);
	});

	it('a PDU already covered gets nothing (no gap) and the rest of the area gets it all', () => {
		const covered = makeBaseline({
			services: [
				...SERVICES,
				{
					...SERVICES[0]!,
					reference: 'S9',
					lotLevel: 'pdu',
					pduCodes: ['P3'],
					annualValueGbp: null,
					placesPerYear: 5000
				}
			]
		});
		const result = runScenario(
			covered,
			changes({ type: 'co-commission', partners: [partner(178_000, { region: 'R' })] }),
			assumptions
		);
		expect(result.cannotFix).toMatchObject([{ pdu: 'P3', reason: 'no-gap' }]);
		expect(result.fundingByPartner[0]!.pdus.map((p) => [p.pdu, p.gbp])).toEqual([
			['P1', 44_500],
			['P2', 133_500]
		]);
	});

	it('ring-fenced places for women are shared by women’s gap and count only where women can use them', () => {
		// Women: 10% of the caseload. Need in area a: 50 and 150; places open to women: 10% of 55 and 165.
		const result = runScenario(
			baseline,
			changes({
				type: 'co-commission',
				partners: [partner(17_800, { pccArea: 'a' }, { subgroup: 'women' })]
			}),
			makeAssumptions({ subgroups: ['all', 'women', 'men'] })
		);
		const women = result.coCommission.map((r) => [r.pdu, r.subgroup, r.gapBefore, r.placesGained]);
		expect(women[0]).toEqual(['P1', 'women', expect.closeTo(44.5, 9), expect.closeTo(4.45, 9)]);
		expect(women[1]).toEqual(['P2', 'women', expect.closeTo(133.5, 9), expect.closeTo(13.35, 9)]);
		expect(row(result, 'P1', 'Accommodation', 'women').scenario.gap).toBeCloseTo(40.05, 9);
		expect(row(result, 'P1', 'Accommodation', 'all').scenario.places).toBeCloseTo(59.45, 9);
		const men = row(result, 'P1', 'Accommodation', 'men');
		expect(men.scenario.places).toBeCloseTo(men.baseline.places, 12);
	});

	it('the issue’s sample body works: Durham PCC, £400,000, Accommodation', () => {
		const durham = makeBaseline({
			pdus: [
				...makeBaseline().pdus,
				{
					code: 'N54DUR',
					name: 'County Durham and Darlington',
					regionCode: 'N54',
					pccAreaIds: ['durham'],
					caseload: 3000,
					centroid: null
				}
			],
			services: [
				...SERVICES,
				{ ...SERVICES[0]!, reference: 'NE1', regionCode: 'N54', annualValueGbp: 500_000 }
			]
		});
		const body = JSON.parse(
			'{"changes":[{"type":"co-commission","partners":[{"name":"Durham PCC","kind":"pcc","annualGbp":400000,"category":"Accommodation","area":{"pccArea":"durham"}}]}]}'
		);
		const result = runScenario(durham, changes(...body.changes), assumptions);
		const r = row(result, 'N54DUR');
		expect(r.baseline.places).toBeCloseTo(500, 9);
		expect(r.baseline.gap).toBeCloseTo(1000, 9);
		expect(r.scenario.places).toBeCloseTo(900, 9);
		expect(r.scenario.gap).toBeCloseTo(600, 9);
		expect(result.fundingByPartner[0]).toMatchObject({
			name: 'Durham PCC',
			allocatedGbp: 400_000,
			places: 400
		});
	});

	it('explains each partner and PDU number', () => {
		const result = runScenario(
			baseline,
			changes({
				type: 'co-commission',
				id: 'pool',
				partners: [partner(100_000, { pccArea: 'a' })]
			}),
			assumptions
		);
		const ids = new Set(result.explanations.map((e) => e.id));
		for (const f of [
			'annualGbp',
			'allocatedGbp',
			'unallocatedGbp',
			'places',
			'gapClosingPlaces',
			'gbpPerPlace',
			'gbpPerGapClosingPlace',
			'pdu.P1',
			'pdu.P2'
		])
			expect(ids).toContain(`change:pool:partner:1:${f}`);
		for (const f of ['gapBefore', 'gbp', 'placesGained', 'gapClosingPlaces', 'gapAfter'])
			expect(ids).toContain(`cocommission:P1:Accommodation:all:${f}`);
		const places = result.explanations.find(
			(e) => e.id === 'pdu:P1:Accommodation:scenario.places'
		)!;
		expect(places.value).toBeCloseTo(80, 9);
		expect(
			places.inputs.find((i) => i.ref === 'cocommission:P1:Accommodation:all:placesGained')
		).toMatchObject({ value: expect.closeTo(25, 9) });
	});
});
