import { describe, expect, it } from 'vitest';
import { CRS_CATEGORIES } from './categories';
import {
	attributeShare,
	computeMarket,
	computeMarketShape,
	herfindahl,
	isActualSpend,
	MARKET_METHOD,
	topShare,
	type MarketOrganisation,
	type MarketService
} from './market';

describe('herfindahl', () => {
	it('is 10,000 for a monopoly', () => {
		expect(herfindahl([5_000_000])).toBe(10_000);
	});

	it.each([1, 2, 3, 4, 5, 8, 10, 25])('is 10,000 / n for %i equal firms', (n) => {
		expect(herfindahl(Array.from({ length: n }, () => 1234))).toBeCloseTo(10_000 / n, 9);
	});

	it.each([
		{ values: [50, 30, 20], hhi: 2500 + 900 + 400 },
		{ values: [3, 1], hhi: 75 ** 2 + 25 ** 2 },
		{ values: [60, 0, 40], hhi: 3600 + 1600 }
	])('is the sum of squared % shares: $values → $hhi', ({ values, hhi }) => {
		expect(herfindahl(values)).toBeCloseTo(hhi, 9);
	});

	it('is not known with no value', () => {
		expect(herfindahl([])).toBeNull();
		expect(herfindahl([0, 0])).toBeNull();
	});
});

describe('topShare', () => {
	it.each([
		{ values: [50, 30, 15, 5], share: 0.95 },
		{ values: [5, 15, 30, 50], share: 0.95 },
		{ values: [1, 1], share: 1 },
		{ values: [25, 25, 25, 25], share: 0.75 }
	])('$values → $share', ({ values, share }) => {
		expect(topShare(values)).toBeCloseTo(share, 9);
	});

	it('is not known with no value', () => {
		expect(topShare([])).toBeNull();
	});
});

describe('attributeShare: unknown stays unknown', () => {
	it.each([
		{
			case: 'known for none of the £: unknown, not 0',
			items: [
				{ valueGbp: 70, has: null },
				{ valueGbp: 30, has: null }
			],
			share: null,
			knownShare: 0
		},
		{
			case: 'known for all, none has it: 0',
			items: [
				{ valueGbp: 70, has: false },
				{ valueGbp: 30, has: false }
			],
			share: 0,
			knownShare: 1
		},
		{
			case: 'partly known: the share of all £, and how much is known',
			items: [
				{ valueGbp: 60, has: true },
				{ valueGbp: 30, has: false },
				{ valueGbp: 10, has: null }
			],
			share: 0.6,
			knownShare: 0.9
		},
		{ case: 'no £ at all', items: [], share: null, knownShare: null }
	])('$case', ({ items, share, knownShare }) => {
		const result = attributeShare(items);
		expect(result.share).toBe(share);
		expect(result.knownShare).toBe(knownShare);
	});
});

let counter = 0;
function award(overrides: Partial<MarketService> = {}): MarketService {
	counter += 1;
	return {
		reference: `A${counter}`,
		name: `Award ${counter}`,
		source: 'crs',
		recordType: 'award',
		leadOrganisationId: 1,
		leadProvider: 'One',
		subcontractors: [],
		categories: ['Accommodation'],
		regionCode: 'R1',
		annualValueGbp: 100,
		totalValueGbp: 275,
		linkedReferences: [],
		...overrides
	};
}
const definition = (overrides: Partial<MarketService> = {}) =>
	award({ recordType: 'definition', annualValueGbp: null, totalValueGbp: null, ...overrides });

const ORGS: MarketOrganisation[] = [
	{ id: 1, name: 'One', orgType: 'vcse', annualIncomeGbp: null, byAndFor: null, welsh: null },
	{ id: 2, name: 'Two', orgType: 'private', annualIncomeGbp: null, byAndFor: null, welsh: null },
	{ id: 3, name: 'Three', orgType: null, annualIncomeGbp: null, byAndFor: null, welsh: null },
	{ id: 4, name: 'Four', orgType: 'vcse', annualIncomeGbp: 80_000, byAndFor: true, welsh: true },
	{ id: 9, name: 'Sub', orgType: 'vcse', annualIncomeGbp: null, byAndFor: null, welsh: null }
];
const ALL = { regionCode: null, category: null };

describe('what counts as spend', () => {
	it.each([
		{ case: 'a published award', s: award(), counts: true },
		{ case: 'a grant with a value', s: award({ recordType: 'grant' }), counts: true },
		{ case: 'an R&M definition (no value)', s: definition(), counts: false },
		{
			case: 'a framework value (potential spend)',
			s: award({ source: 'dynamic-framework' }),
			counts: false
		},
		{ case: 'an award with no published value', s: award({ annualValueGbp: null }), counts: false }
	])('$case: $counts', ({ s, counts }) => {
		expect(isActualSpend(s)).toBe(counts);
	});

	it('never adds potential (framework) value to actual (call-off) value', () => {
		const shape = computeMarketShape(
			[
				award({ annualValueGbp: 100 }),
				award({ source: 'dynamic-framework', recordType: 'award', annualValueGbp: 900 })
			],
			ORGS,
			ALL
		);
		expect(shape.valueGbp).toBe(100);
		expect(shape.valuedCount).toBe(1);
	});
});

describe('computeMarketShape', () => {
	it('a monopoly: HHI 10,000, top-3 100%', () => {
		const shape = computeMarketShape([award(), award()], ORGS, ALL);
		expect(shape.hhi).toBe(10_000);
		expect(shape.top3Share).toBe(1);
		expect(shape.leads).toHaveLength(1);
		expect(shape.leads[0]).toMatchObject({ name: 'One', valueGbp: 200, share: 1, lots: 2 });
	});

	it('shares by lead, largest first, with HHI and top-3', () => {
		const shape = computeMarketShape(
			[
				award({ leadOrganisationId: 1, annualValueGbp: 50 }),
				award({ leadOrganisationId: 2, leadProvider: 'Two', annualValueGbp: 30 }),
				award({ leadOrganisationId: 3, leadProvider: 'Three', annualValueGbp: 15 }),
				award({ leadOrganisationId: 4, leadProvider: 'Four', annualValueGbp: 5 })
			],
			ORGS,
			ALL
		);
		expect(shape.leads.map((l) => l.name)).toEqual(['One', 'Two', 'Three', 'Four']);
		expect(shape.hhi).toBeCloseTo(2500 + 900 + 225 + 25, 9);
		expect(shape.top3Share).toBeCloseTo(0.95, 9);
		// VCSE: One (50) and Four (5) are VCSE, Two (30) is not, Three (15) is not known.
		expect(shape.vcse.share).toBeCloseTo(0.55, 9);
		expect(shape.vcse.knownShare).toBeCloseTo(0.85, 9);
		// Income is known only for Four (under £100k, so under £1m too).
		expect(shape.incomeUnder1m.share).toBeCloseTo(0.05, 9);
		expect(shape.incomeUnder1m.knownShare).toBeCloseTo(0.05, 9);
		expect(shape.incomeUnder100k.share).toBeCloseTo(0.05, 9);
		expect(shape.byAndFor.share).toBeCloseTo(0.05, 9);
		expect(shape.welsh.share).toBeCloseTo(0.05, 9);
	});

	it('reports unknown, never zero, where no lead’s attribute is known', () => {
		const shape = computeMarketShape(
			[award({ leadOrganisationId: 1 }), award({ leadOrganisationId: 2, leadProvider: 'Two' })],
			ORGS,
			ALL
		);
		for (const key of ['incomeUnder1m', 'incomeUnder100k', 'byAndFor', 'welsh'] as const) {
			expect(shape[key].share, key).toBeNull();
			expect(shape[key].valueGbp, key).toBeNull();
			expect(shape[key].knownShare, key).toBe(0);
		}
		expect(shape.vcse.share).toBe(0.5);
	});

	it('treats a lead that is not a known organisation as unknown in every attribute', () => {
		const shape = computeMarketShape(
			[award({ leadOrganisationId: null, leadProvider: 'Somebody' })],
			ORGS,
			ALL
		);
		expect(shape.leads[0]).toMatchObject({ organisationId: null, name: 'Somebody' });
		expect(shape.vcse.share).toBeNull();
	});

	it('splits value evenly across categories for a category', () => {
		const services = [
			award({ categories: ['Accommodation', 'Social Inclusion'], annualValueGbp: 100 }),
			award({ leadOrganisationId: 2, leadProvider: 'Two', categories: ['Social Inclusion'] })
		];
		const accommodation = computeMarketShape(services, ORGS, {
			regionCode: null,
			category: 'Accommodation'
		});
		expect(accommodation.valueGbp).toBe(50);
		expect(accommodation.hhi).toBe(10_000);
		const inclusion = computeMarketShape(services, ORGS, {
			regionCode: null,
			category: 'Social Inclusion'
		});
		expect(inclusion.valueGbp).toBe(150);
		expect(inclusion.leads.map((l) => [l.name, l.valueGbp])).toEqual([
			['Two', 100],
			['One', 50]
		]);
	});

	it('counts only the region in scope', () => {
		const shape = computeMarketShape([award(), award({ regionCode: 'R2' })], ORGS, {
			regionCode: 'R2',
			category: null
		});
		expect(shape.valueGbp).toBe(100);
		expect(shape.lots).toBe(1);
	});

	it('counts distinct subcontracting links and single-provider lots from R&M definitions', () => {
		const sub = (id: number) => ({ id, name: `Sub ${id}` });
		const services = [
			award({ reference: 'SOLO', linkedReferences: ['D1'] }),
			award({ reference: 'CHAIN', linkedReferences: ['D2', 'D3'] }),
			award({ reference: 'UNLINKED' }),
			definition({ reference: 'D1', linkedReferences: ['SOLO'] }),
			definition({ reference: 'D2', linkedReferences: ['CHAIN'], subcontractors: [sub(9)] }),
			// The same prime and subcontractor again, in another PCC area: still one link.
			definition({
				reference: 'D3',
				linkedReferences: ['CHAIN'],
				subcontractors: [sub(9), sub(10)]
			}),
			definition({ leadOrganisationId: 2, subcontractors: [sub(9)] })
		];
		const shape = computeMarketShape(services, ORGS, ALL);
		expect(shape.definitions).toBe(4);
		expect(shape.subcontractingLinks).toBe(3);
		expect(shape.subcontractors).toBe(2);
		expect(shape.lots).toBe(3);
		expect(shape.singleProviderLots).toBe(1);
		expect(shape.lotsSubcontractingUnknown).toBe(1);
	});

	it('has no concentration where there is no money', () => {
		const shape = computeMarketShape([definition()], ORGS, ALL);
		expect(shape).toMatchObject({ valueGbp: 0, hhi: null, top3Share: null, leads: [] });
		expect(shape.vcse).toEqual({ share: null, knownShare: null, valueGbp: null, knownValueGbp: 0 });
	});
});

describe('computeMarket', () => {
	const services = [award(), award({ regionCode: 'R2', leadOrganisationId: 2 })];

	it('compares regions for England and Wales', () => {
		const { scope, rows } = computeMarket(services, ORGS, ALL, ['R1', 'R2']);
		expect(scope.valueGbp).toBe(200);
		expect(scope.hhi).toBe(5_000);
		expect(rows.map((r) => [r.regionCode, r.hhi])).toEqual([
			['R1', 10_000],
			['R2', 10_000]
		]);
	});

	it('compares categories within one region', () => {
		const { scope, rows } = computeMarket(services, ORGS, { regionCode: 'R1', category: null }, [
			'R1',
			'R2'
		]);
		expect(scope.valueGbp).toBe(100);
		expect(rows.map((r) => r.category)).toEqual([...CRS_CATEGORIES]);
		expect(rows.find((r) => r.category === 'Accommodation')!.valueGbp).toBe(100);
		expect(rows.find((r) => r.category === 'Social Inclusion')!.hhi).toBeNull();
	});

	it('explains itself without the word "offender"', () => {
		expect(MARKET_METHOD).toMatch(/Herfindahl/);
		expect(MARKET_METHOD).not.toMatch(/offender/i);
	});
});
