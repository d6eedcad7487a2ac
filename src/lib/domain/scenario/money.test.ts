import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPennies } from './money';

describe('splitPennies', () => {
	it.each([
		{ total: 100, weights: [1, 1, 1], parts: [33.34, 33.33, 33.33] },
		{ total: 100_000, weights: [445, 1335], parts: [25_000, 75_000] },
		{ total: 0.05, weights: [1, 1], parts: [0.03, 0.02] },
		{ total: 10, weights: [0, 0], parts: [5, 5] },
		{ total: 10, weights: [0, 3], parts: [0, 10] },
		{ total: 7, weights: [], parts: [] },
		{ total: 1.006, weights: [1], parts: [1.01] }
	])('$total by $weights', ({ total, weights, parts }) => {
		expect(splitPennies(total, weights)).toEqual(parts);
	});

	it('adds up to the total in whole pennies, and never gives a zero weight anything (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 1e11 }),
				fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
				(pennies, weights) => {
					const parts = splitPennies(pennies / 100, weights);
					expect(parts.reduce((s, p) => s + Math.round(p * 100), 0)).toBe(pennies);
					for (const p of parts) expect(Number.isInteger(Math.round(p * 100))).toBe(true);
					if (weights.some((w) => w > 0))
						weights.forEach((w, i) => {
							if (w === 0) expect(parts[i]).toBe(0);
						});
				}
			)
		);
	});
});
