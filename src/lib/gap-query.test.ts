import { describe, expect, it } from 'vitest';
import { DEFAULT_UNIT_COST_GBP } from '$lib/domain/assumptions';
import { CRS_CATEGORIES } from '$lib/domain/categories';
import { assumptionsFor, gapQueryParams, parseGapQuery, type GapQuery } from './gap-query';

const TODAY = '2026-05-01';

const parse = (search: string) => parseGapQuery(new URLSearchParams(search), TODAY);

function ok(search: string): GapQuery {
	const result = parse(search);
	if (!result.ok) throw new Error(`expected ${search} to parse: ${JSON.stringify(result.errors)}`);
	return result.query;
}

function fieldsOf(search: string): string[] {
	const result = parse(search);
	if (result.ok) throw new Error(`expected ${search} to fail, got ${JSON.stringify(result.query)}`);
	return result.errors.map((e) => e.field);
}

const DEFAULTS: GapQuery = {
	region: null,
	category: 'Accommodation',
	subgroup: 'all',
	date: TODAY,
	unitCost: DEFAULT_UNIT_COST_GBP,
	continued: true,
	measure: 'coverage',
	pdu: null
};

describe('parseGapQuery', () => {
	it('gives the defaults for no parameters', () => {
		expect(ok('')).toEqual(DEFAULTS);
	});

	it('treats blank and whitespace-only parameters as the default', () => {
		expect(ok('region=&category=&subgroup=%20&date=&unitCost=&continued=&measure=&pdu=')).toEqual(
			DEFAULTS
		);
	});

	it('reads every parameter, trimming and upper-casing codes', () => {
		expect(
			ok(
				'region=n54&category=Dependency+and+Recovery&subgroup=women&date=2027-03-31&unitCost=2500&continued=0&measure=gap&pdu=%20n54dur%20'
			)
		).toEqual({
			region: 'N54',
			category: 'Dependency and Recovery',
			subgroup: 'women',
			date: '2027-03-31',
			unitCost: 2500,
			continued: false,
			measure: 'gap',
			pdu: 'N54DUR'
		});
	});

	it.each([
		['accommodation', 'Accommodation'],
		['ACCOMMODATION', 'Accommodation'],
		['ete', 'Education, Training and Employment'],
		['FBD', 'Finance, Benefits and Debt'],
		['d%26r', 'Dependency and Recovery'],
		['emotional+well-being', 'Emotional Wellbeing'],
		['social%20inclusion', 'Social Inclusion']
	])('reads the category alias %s as %s', (raw, category) => {
		expect(ok(`category=${raw}`).category).toBe(category);
	});

	it('accepts every CRS category by its exact name', () => {
		for (const category of CRS_CATEGORIES)
			expect(ok(new URLSearchParams({ category }).toString()).category).toBe(category);
	});

	it('continued is true unless it is 0; the last value wins (hidden 0 then checked 1)', () => {
		expect(ok('continued=1').continued).toBe(true);
		expect(ok('continued=0').continued).toBe(false);
		expect(ok('continued=0&continued=1').continued).toBe(true);
	});

	it.each([
		['category=Housing', 'category', /'Housing' is not a CRS category.*Accommodation/],
		['subgroup=children', 'subgroup', /use one of all, women, men/],
		['date=31%2F03%2F2027', 'date', /2027-03-31/],
		['date=2027-13-01', 'date', /not a real date/],
		['unitCost=0', 'unitCost', /more than £0/],
		['unitCost=-5', 'unitCost', /more than £0/],
		['unitCost=abc', 'unitCost', /./],
		['unitCost=2000000', 'unitCost', /at most £1,000,000/],
		['region=N5%204', 'region', /region code/],
		['measure=colour', 'measure', /./],
		['continued=yes', 'continued', /./]
	])('%s is an error naming %s', (search, field, message) => {
		const result = parse(search);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		// Every error names the field; a badly formed date also gets "not a real date" (see the
		// report: the regex check should abort), so only the first message is checked.
		expect(result.errors.length).toBeGreaterThanOrEqual(1);
		for (const e of result.errors) expect(e.field).toBe(field);
		expect(result.errors[0]!.message).toMatch(message);
	});

	it('rejects a day that is not in the month (2027-02-30)', () => {
		expect(fieldsOf('date=2027-02-30')).toEqual(['date']);
	});

	it('names every bad field at once', () => {
		const fields = [...new Set(fieldsOf('category=Housing&subgroup=kids&date=soon&unitCost=0'))];
		expect(fields.sort()).toEqual(['category', 'date', 'subgroup', 'unitCost']);
	});
});

describe('gapQueryParams', () => {
	it('leaves out every optional default (region, date, unit cost, continued, measure, pdu)', () => {
		const params = gapQueryParams(DEFAULTS, TODAY);
		// Category and subgroup are always written, so a shared link says what it shows.
		expect(params.toString()).toBe('category=Accommodation&subgroup=all');
	});

	it('writes what differs from the defaults', () => {
		const query: GapQuery = {
			region: 'N54',
			category: 'Finance, Benefits and Debt',
			subgroup: 'women',
			date: '2027-03-31',
			unitCost: 1500,
			continued: false,
			measure: 'gap',
			pdu: 'N54DUR'
		};
		expect(Object.fromEntries(gapQueryParams(query, TODAY))).toEqual({
			region: 'N54',
			category: 'Finance, Benefits and Debt',
			subgroup: 'women',
			date: '2027-03-31',
			unitCost: '1500',
			continued: '0',
			measure: 'gap',
			pdu: 'N54DUR'
		});
	});

	it.each([
		'',
		'region=N54&category=Accommodation&subgroup=women',
		'category=ete&subgroup=men&date=2025-01-01',
		'region=n51&category=d%26r&subgroup=all&unitCost=750.5&continued=0&measure=gap&pdu=n51bed',
		'date=2026-05-01&unitCost=1000&continued=1&measure=coverage'
	])('round-trips through parseGapQuery: %s', (search) => {
		const query = ok(search);
		const params = gapQueryParams(query, TODAY);
		expect(ok(params.toString())).toEqual(query);
		// …and writing it again gives the same link.
		expect(gapQueryParams(ok(params.toString()), TODAY).toString()).toBe(params.toString());
	});
});

describe('assumptionsFor', () => {
	it('sets the unit cost for the chosen category only, and the continuation flag', () => {
		const query: GapQuery = {
			...DEFAULTS,
			category: 'Emotional Wellbeing',
			unitCost: 2345,
			continued: false,
			date: '2027-03-31'
		};
		const a = assumptionsFor(query);
		expect(a.planningDate).toBe('2027-03-31');
		expect(a.unitCostGbp['Emotional Wellbeing']).toBe(2345);
		for (const category of CRS_CATEGORIES)
			if (category !== 'Emotional Wellbeing')
				expect(a.unitCostGbp[category]).toBe(DEFAULT_UNIT_COST_GBP);
		expect(a.continueWhileReferralsOpen).toBe(false);
		expect(assumptionsFor({ ...query, continued: true }).continueWhileReferralsOpen).toBe(true);
	});

	it('keeps the default subgroup shares and catchment', () => {
		const a = assumptionsFor(DEFAULTS);
		expect(a.subgroupShares.all).toBe(1);
		expect(a.subgroupShares.women).toBeCloseTo(0.11);
		expect(a.subgroupShares.veterans).toBeNull();
		expect(a.siteCatchmentKm).toBeGreaterThan(0);
	});
});
