import { describe, expect, it } from 'vitest';
import { editDistance, notOneOf, quoteInput, suggestNearest } from './suggest';

describe('editDistance', () => {
	it.each([
		['', '', 0],
		['crs', '', 3],
		['', 'cfo', 3],
		['crs', 'crs', 0],
		['crs', 'cfo', 2],
		['kitten', 'sitting', 3],
		['n45', 'n54', 1],
		['accomodation', 'accommodation', 1],
		['roif', 'riof', 1]
	])('%s → %s is %i edits', (a, b, expected) => {
		expect(editDistance(a, b)).toBe(expected);
		expect(editDistance(b, a)).toBe(expected);
	});
});

describe('suggestNearest', () => {
	const sources = ['dynamic-framework', 'crs', 'roif', 'cfo', 'local'];

	it.each([
		{ input: 'CRS', expected: 'crs', why: 'equal ignoring case' },
		{ input: 'dynamic', expected: 'dynamic-framework', why: 'part of the name' },
		{ input: 'rofi', expected: 'roif', why: 'two letters swapped' },
		{ input: 'locals', expected: 'local', why: 'one letter too many' }
	])('suggests $expected for $input ($why)', ({ input, expected }) => {
		expect(suggestNearest(input, sources)).toBe(expected);
	});

	it.each(['x', 'zz', 'grants', '   '])('does not guess for %j', (input) => {
		expect(suggestNearest(input, sources)).toBeUndefined();
	});

	it('matches any spelling of a candidate and returns its value', () => {
		const regions = [
			{ value: 'N54', spellings: ['N54', 'North East'] },
			{ value: 'N51', spellings: ['N51', 'North West'] }
		];
		expect(suggestNearest('north west', regions)).toBe('N51');
		expect(suggestNearest('Nort East', regions)).toBe('N54');
		expect(suggestNearest('N45', regions)).toBe('N54');
	});

	it('prefers the fewest edits, then the candidate listed first', () => {
		expect(suggestNearest('cro', ['cfo', 'crs'])).toBe('cfo');
		expect(suggestNearest('cro', ['crs', 'cfo'])).toBe('crs');
		expect(suggestNearest('abcdef', ['abcxyz', 'abcdxy'])).toBe('abcdxy');
	});
});

describe('error wording', () => {
	it('quotes the input, cutting long input short', () => {
		expect(quoteInput('Housing')).toBe("'Housing'");
		expect(quoteInput('x'.repeat(500))).toBe(`'${'x'.repeat(60)}…'`);
	});
	it('says what was wrong, the guess and what is valid', () => {
		expect(notOneOf('crz', 'a supply source', 'crs', "'crs', 'cfo'")).toBe(
			"'crz' is not a supply source. Did you mean 'crs'? Valid: 'crs', 'cfo'"
		);
		expect(notOneOf('zz', 'a supply source', undefined, "'crs'")).toBe(
			"'zz' is not a supply source. Valid: 'crs'"
		);
	});
});
