import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CRS_CATEGORIES, type CrsCategory } from './categories';
import {
	computeGaps,
	prepareCoverage,
	servicePlacesFor,
	subgroupFraction,
	type CoverageAssumptions,
	type CoverageService,
	type DemandPdu
} from './coverage';
import { SUBGROUPS, type Subgroup } from './subgroups';

const unitCostGbp = Object.fromEntries(CRS_CATEGORIES.map((c) => [c, 1000])) as Record<
	CrsCategory,
	number
>;
const shares: Record<Subgroup, number | null> = {
	all: 1,
	women: 0.1,
	men: 0.9,
	'young-adults': null,
	'ethnic-minority': null,
	veterans: null,
	disabled: null,
	'no-fixed-abode': null
};
const assumptions: CoverageAssumptions = {
	planningDate: '2022-01-01',
	unitCostGbp,
	subgroupShares: shares,
	continueWhileReferralsOpen: true,
	siteCatchmentKm: 30
};
const needShares = new Map<CrsCategory, number>([['Accommodation', 0.5]]);

const pdus: DemandPdu[] = [
	{
		code: 'P1',
		name: 'One',
		regionCode: 'R',
		pccAreaIds: ['a'],
		caseload: 1000,
		centroid: { lat: 54.5, lon: -1.5 }
	},
	{
		code: 'P2',
		name: 'Two',
		regionCode: 'R',
		pccAreaIds: ['b'],
		caseload: 3000,
		centroid: { lat: 54.9, lon: -1.6 }
	},
	{
		code: 'P3',
		name: 'Three',
		regionCode: 'S',
		pccAreaIds: ['c'],
		caseload: 2000,
		centroid: { lat: 51.5, lon: -0.1 }
	}
];

function service(over: Partial<CoverageService> = {}): CoverageService {
	return {
		reference: 'S1',
		name: 'Service',
		recordType: 'award',
		leadProvider: 'Lead',
		categories: ['Accommodation'],
		lotLevel: 'region',
		regionCode: 'R',
		pccAreas: [],
		pduCodes: [],
		sex: 'any',
		minAge: null,
		maxAge: null,
		startDate: '2021-06-26',
		endDate: '2024-03-25',
		referralFrom: null,
		referralUntil: null,
		annualValueGbp: 400_000,
		placesPerYear: null,
		linkedReferences: [],
		...over
	};
}

const gaps = (
	services: CoverageService[],
	category: CrsCategory = 'Accommodation',
	subgroup: Subgroup = 'all',
	over: Partial<CoverageAssumptions> = {}
) =>
	computeGaps(
		prepareCoverage(pdus, needShares, services, { ...assumptions, ...over }),
		category,
		subgroup
	);

describe('need, places, coverage and gap', () => {
	it('works a region-wide contract through by hand', () => {
		// £400,000 a year ÷ £1,000 = 400 places, shared 1:3 by need (500 and 1,500 people).
		const [p1, p2, p3] = gaps([service()]);
		expect(p1).toMatchObject({ needCount: 500, places: 100, coverage: 0.2, gap: 400 });
		expect(p2).toMatchObject({ needCount: 1500, places: 300, coverage: 0.2, gap: 1200 });
		expect(p3).toMatchObject({ needCount: 1000, places: 0, coverage: 0, gap: 1000 });
		expect(p1!.services[0]).toMatchObject({
			reference: 'S1',
			servicePlaces: 400,
			pduShare: 0.25,
			subgroupFraction: 1,
			placesBasis: 'value'
		});
	});

	it.each([
		{
			why: 'a PCC-area lot reaches only its PCC area',
			svc: service({ lotLevel: 'pcc-area', pccAreas: [{ id: 'a', until: null }] }),
			expected: [400, 0, 0]
		},
		{
			why: 'a PCC area dropped before the planning date',
			svc: service({ lotLevel: 'pcc-area', pccAreas: [{ id: 'a', until: '2021-12-31' }] }),
			expected: [0, 0, 0]
		},
		{
			why: 'a named-PDU service',
			svc: service({ lotLevel: 'pdu', pduCodes: ['P3'], regionCode: null }),
			expected: [0, 0, 400]
		},
		{ why: 'not yet started', svc: service({ startDate: '2022-01-02' }), expected: [0, 0, 0] },
		{
			why: 'already ended, nothing linked',
			svc: service({ endDate: '2021-12-31' }),
			expected: [0, 0, 0]
		},
		{ why: 'stated places beat value', svc: service({ placesPerYear: 40 }), expected: [10, 30, 0] },
		{
			why: 'value split over its categories',
			svc: service({ categories: ['Accommodation', 'Social Inclusion'] }),
			expected: [50, 150, 0]
		},
		{
			why: 'a site within the catchment',
			svc: service({ lotLevel: 'site', regionCode: 'S', sites: [{ lat: 51.6, lon: -0.1 }] }),
			expected: [0, 0, 400]
		},
		{
			why: 'a site beyond the catchment',
			svc: service({ lotLevel: 'site', regionCode: 'S', sites: [{ lat: 52.5, lon: -0.1 }] }),
			expected: [0, 0, 0]
		}
	])('$why', ({ svc, expected }) => {
		expect(gaps([svc]).map((r) => Math.round(r.places))).toEqual(expected);
	});

	it('counts an award past its term while its R&M definition takes referrals, and never counts both', () => {
		const award = service({ reference: 'A', linkedReferences: ['D'] });
		const definition = service({
			reference: 'D',
			recordType: 'definition',
			annualValueGbp: null,
			startDate: null,
			endDate: null,
			referralFrom: '2021-01-01',
			linkedReferences: ['A']
		});
		const later = { planningDate: '2026-01-01' };
		expect(gaps([award, definition], 'Accommodation', 'all', later).map((r) => r.places)).toEqual([
			100, 300, 0
		]);
		expect(gaps([award, definition], 'Accommodation', 'all', later)[0]!.services[0]).toMatchObject({
			reference: 'A',
			continued: true
		});
		expect(
			gaps([award, definition], 'Accommodation', 'all', {
				...later,
				continueWhileReferralsOpen: false
			}).map((r) => r.places)
		).toEqual([0, 0, 0]);
	});

	it('lists a reaching service with no value or places as uncounted, not as zero supply', () => {
		const row = gaps([
			service({ annualValueGbp: null, recordType: 'definition', startDate: null, endDate: null })
		])[0]!;
		expect(row.places).toBe(0);
		expect(row.uncounted).toEqual([
			{
				reference: 'S1',
				name: 'Service',
				reason: 'capacity not known: no stated places and no value'
			}
		]);
	});

	it('leaves need, coverage and gap unknown where no need share is published', () => {
		const row = gaps([service({ categories: ['Social Inclusion'] })], 'Social Inclusion')[0]!;
		expect(row).toMatchObject({ needCount: null, coverage: null, gap: null });
		// Places are shared by caseload when the need share is unknown: 1,000 of 4,000 people.
		expect(row.places).toBeCloseTo(100);
	});
});

describe('subgroups', () => {
	it('counts a women-only service fully for women and not at all for men', () => {
		const women = service({ sex: 'female' });
		expect(gaps([women], 'Accommodation', 'women').map((r) => r.places)).toEqual([100, 300, 0]);
		expect(gaps([women], 'Accommodation', 'men').map((r) => r.places)).toEqual([0, 0, 0]);
		expect(gaps([women], 'Accommodation', 'women')[0]!.needCount).toBeCloseTo(50);
	});

	it("counts only the subgroup's share of a service open to everyone", () => {
		expect(gaps([service()], 'Accommodation', 'women').map((r) => r.places)).toEqual([10, 30, 0]);
	});

	it.each([
		{ sex: 'any', subgroup: 'women', expected: 0.1 },
		{ sex: 'female', subgroup: 'women', expected: 1 },
		{ sex: 'male', subgroup: 'men', expected: 1 },
		{ sex: 'male', subgroup: 'women', expected: 0.1 / 0.9 },
		{ sex: 'any', subgroup: 'young-adults', expected: 0 },
		{ sex: 'any', subgroup: 'all', expected: 1 }
	] as const)(
		'fraction of a $sex service open to $subgroup is $expected',
		({ sex, subgroup, expected }) => {
			expect(subgroupFraction({ sex }, subgroup, shares)).toBeCloseTo(expected);
		}
	);

	it('excludes services whose age range misses the subgroup', () => {
		const over26 = service({ minAge: 26 });
		expect(
			gaps([over26], 'Accommodation', 'young-adults', {
				subgroupShares: { ...shares, 'young-adults': 0.2 }
			}).every((r) => r.places === 0)
		).toBe(true);
	});
});

describe('servicePlacesFor', () => {
	it('is null for a category the service does not deliver, or with no unit cost', () => {
		expect(servicePlacesFor(service(), 'Social Inclusion', unitCostGbp)).toBeNull();
		expect(
			servicePlacesFor(service(), 'Accommodation', { ...unitCostGbp, Accommodation: 0 })
		).toBeNull();
	});
});

describe('properties', () => {
	const arbService = fc.record({
		value: fc.integer({ min: 0, max: 5_000_000 }),
		level: fc.constantFrom('region', 'pcc-area') as fc.Arbitrary<'region' | 'pcc-area'>,
		area: fc.constantFrom('a', 'b', 'c'),
		sex: fc.constantFrom('any', 'female', 'male') as fc.Arbitrary<'any' | 'female' | 'male'>
	});
	const build = (
		specs: {
			value: number;
			level: 'region' | 'pcc-area';
			area: string;
			sex: 'any' | 'female' | 'male';
		}[]
	) =>
		specs.map((s, i) =>
			service({
				reference: `S${i}`,
				annualValueGbp: s.value,
				lotLevel: s.level,
				regionCode: s.area === 'c' ? 'S' : 'R',
				pccAreas: [{ id: s.area, until: null }],
				sex: s.sex
			})
		);

	it('raising one service’s capacity never lowers any coverage', () => {
		fc.assert(
			fc.property(
				fc.array(arbService, { minLength: 1, maxLength: 8 }),
				fc.nat(7),
				fc.integer({ min: 1, max: 1_000_000 }),
				fc.constantFrom(...SUBGROUPS.slice(0, 3)),
				(specs, pick, extra, subgroup) => {
					const before = build(specs);
					const i = pick % before.length;
					const after = before.map((s, j) =>
						j === i ? { ...s, annualValueGbp: (s.annualValueGbp ?? 0) + extra } : s
					);
					const a = gaps(before, 'Accommodation', subgroup);
					const b = gaps(after, 'Accommodation', subgroup);
					a.forEach((row, k) => expect(b[k]!.places).toBeGreaterThanOrEqual(row.places - 1e-9));
				}
			)
		);
	});

	it('the total of gaps is never more than the total of need', () => {
		fc.assert(
			fc.property(
				fc.array(arbService, { maxLength: 8 }),
				fc.constantFrom(...SUBGROUPS.slice(0, 3)),
				(specs, subgroup) => {
					const rows = gaps(build(specs), 'Accommodation', subgroup);
					const need = rows.reduce((s, r) => s + (r.needCount ?? 0), 0);
					const gap = rows.reduce((s, r) => s + (r.gap ?? 0), 0);
					expect(gap).toBeLessThanOrEqual(need + 1e-9);
					rows.forEach((r) => expect(r.gap).toBeGreaterThanOrEqual(0));
				}
			)
		);
	});
});
