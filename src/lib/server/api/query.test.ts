import { describe, expect, it } from 'vitest';
import { CRS_CATEGORIES } from '$lib/domain/categories';
import { noQuery, parseQuery, pdusQuery, servicesQuery } from './query';
import { ApiError } from './respond';

const params = (query: string) => new URLSearchParams(query);

/** The 400 detail parseQuery throws for a query string, or fails the test if it accepts it. */
function detailFor(schema: Parameters<typeof parseQuery>[0], query: string): string {
	try {
		parseQuery(schema, params(query));
	} catch (caught) {
		expect(caught).toBeInstanceOf(ApiError);
		expect((caught as ApiError).status).toBe(400);
		return (caught as ApiError).detail;
	}
	throw new Error(`expected ?${query} to be refused`);
}

describe('servicesQuery: good parameters', () => {
	it('parses every filter into its domain value', () => {
		expect(
			parseQuery(servicesQuery, params('source=crs&region=N54&category=Accommodation&year=2021'))
		).toEqual({ source: 'crs', region: 'N54', category: 'Accommodation', year: 2021 });
	});

	it('gives no filters for an empty query, or for empty values', () => {
		expect(parseQuery(servicesQuery, params(''))).toEqual({});
		expect(parseQuery(servicesQuery, params('source=&category=%20&year='))).toEqual({});
	});

	it.each([
		['Accommodation', 'Accommodation'],
		['accommodation', 'Accommodation'],
		['ETE', 'Education, Training and Employment'],
		['d%26r', 'Dependency and Recovery'],
		['Finance%2C+Benefit+%26+Debt', 'Finance, Benefits and Debt'],
		['emotional+well-being', 'Emotional Wellbeing']
	])('category=%s is %s', (value, expected) => {
		expect(parseQuery(servicesQuery, params(`category=${value}`)).category).toBe(expected);
	});

	it('accepts every CRS category by its exact name', () => {
		for (const category of CRS_CATEGORIES) {
			const query = new URLSearchParams({ category });
			expect(parseQuery(servicesQuery, query).category).toBe(category);
		}
	});

	it.each(['dynamic-framework', 'crs', 'roif', 'cfo', 'local', 'CRS'])('source=%s', (value) => {
		expect(parseQuery(servicesQuery, params(`source=${value}`)).source).toBe(value.toLowerCase());
	});

	it.each([2000, 2021, 2100])('year=%i', (year) => {
		expect(parseQuery(servicesQuery, params(`year=${year}`)).year).toBe(year);
	});

	it('keeps the region as sent (trimmed) for the database to resolve', () => {
		expect(parseQuery(pdusQuery, params('region=+a+')).region).toBe('a');
	});
});

describe('servicesQuery: bad parameters', () => {
	it('refuses a category that is not one of the eight, suggesting the nearest', () => {
		const detail = detailFor(servicesQuery, 'category=Housing');
		expect(detail).toMatch(/^category: 'Housing' is not a CRS category\. /);
		expect(detail).toContain("Did you mean 'Accommodation'?");
		expect(detail).toContain("Valid: 'Accommodation', 'Education, Training and Employment'");
	});

	it.each([
		['Accomodation', 'Accommodation'],
		['debt', 'Finance, Benefits and Debt'],
		['drugs', 'Dependency and Recovery'],
		['mental health', 'Emotional Wellbeing']
	])('category=%s suggests %s', (value, expected) => {
		const query = new URLSearchParams({ category: value });
		expect(detailFor(servicesQuery, query.toString())).toContain(`Did you mean '${expected}'?`);
	});

	it('does not guess when nothing is close', () => {
		const detail = detailFor(servicesQuery, 'category=Custody+Support');
		expect(detail).toMatch(/^category: 'Custody Support' is not a CRS category\. Valid: /);
		expect(detail).not.toContain('Did you mean');
	});

	it('refuses an unknown source, listing the five', () => {
		expect(detailFor(servicesQuery, 'source=crz')).toBe(
			"source: 'crz' is not a supply source. Did you mean 'crs'? Valid: 'dynamic-framework', 'crs', 'roif', 'cfo', 'local'"
		);
	});

	it.each([
		['21', /^year: '21' is not a 4-digit year\. Did you mean '2021'\? Valid: 2000–2100$/],
		['2021.5', /^year: '2021\.5' is not a 4-digit year\. Valid: 2000–2100$/],
		['twenty', /^year: 'twenty' is not a 4-digit year/],
		['1999', /^year: 1999 is outside the years covered\. Valid: 2000–2100$/],
		['2101', /^year: 2101 is outside/]
	])('refuses year=%s', (value, expected) => {
		expect(detailFor(servicesQuery, `year=${value}`)).toMatch(expected);
	});

	it('names an unknown parameter and the nearest known one', () => {
		expect(detailFor(servicesQuery, 'regoin=N54')).toBe(
			"unknown parameter 'regoin'. Did you mean 'region'? Valid: source, region, category, year"
		);
	});

	it('names every unknown parameter, even with no value', () => {
		const detail = detailFor(servicesQuery, 'foo=1&bar=');
		expect(detail).toMatch(/^unknown parameters 'foo', 'bar'\. Valid: /);
	});

	it('refuses a parameter given twice rather than ignore one', () => {
		expect(detailFor(servicesQuery, 'source=crs&source=roif')).toBe(
			'source: given 2 times; give it once'
		);
	});

	it('reports every problem at once', () => {
		const detail = detailFor(servicesQuery, 'source=nope&year=99&colour=red');
		expect(detail).toContain("source: 'nope'");
		expect(detail).toContain("year: '99'");
		expect(detail).toContain("unknown parameter 'colour'");
	});

	it('refuses a value too long to be any valid one', () => {
		expect(detailFor(pdusQuery, `region=${'N'.repeat(101)}`)).toMatch(/^region: /);
	});
});

describe('noQuery', () => {
	it('accepts nothing and says so', () => {
		expect(parseQuery(noQuery, params(''))).toEqual({});
		expect(detailFor(noQuery, 'region=N54')).toBe(
			"unknown parameter 'region'. Valid: none (this endpoint takes no query parameters)"
		);
	});
});
