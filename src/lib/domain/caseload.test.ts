import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apportionTotal, estimateNeeds, pduPopulations } from './caseload';

describe('apportionTotal', () => {
	it.each([
		{ total: 10, weights: [1, 1], expected: [5, 5] },
		{ total: 10, weights: [1, 2], expected: [3, 7] },
		{ total: 7, weights: [1, 1, 1], expected: [3, 2, 2] },
		{ total: 0, weights: [5, 5], expected: [0, 0] },
		{ total: 100, weights: [0, 1], expected: [0, 100] },
		{ total: 240362, weights: [1], expected: [240362] }
	])('splits $total by $weights', ({ total, weights, expected }) => {
		const result = apportionTotal(
			total,
			weights.map((weight, i) => ({ key: `k${i}`, weight }))
		);
		expect(weights.map((_, i) => result.get(`k${i}`))).toEqual(expected);
	});

	it('always adds up to the total and stays within one person of the exact share', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 1_000_000 }),
				fc.array(fc.integer({ min: 1, max: 2_000_000 }), { minLength: 1, maxLength: 120 }),
				(total, ws) => {
					const weights = ws.map((weight, i) => ({ key: `p${i}`, weight }));
					const result = apportionTotal(total, weights);
					const sum = [...result.values()].reduce((a, b) => a + b, 0);
					const wsum = ws.reduce((a, b) => a + b, 0);
					expect(sum).toBe(total);
					weights.forEach((w) => {
						expect(Math.abs(result.get(w.key)! - (total * w.weight) / wsum)).toBeLessThan(1);
					});
				}
			)
		);
	});

	it('does not depend on input order', () => {
		const a = apportionTotal(11, [
			{ key: 'a', weight: 1 },
			{ key: 'b', weight: 1 },
			{ key: 'c', weight: 1 }
		]);
		const b = apportionTotal(11, [
			{ key: 'c', weight: 1 },
			{ key: 'b', weight: 1 },
			{ key: 'a', weight: 1 }
		]);
		expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
	});

	it('refuses a fractional total and all-zero weights', () => {
		expect(() => apportionTotal(1.5, [{ key: 'a', weight: 1 }])).toThrow(RangeError);
		expect(() => apportionTotal(5, [{ key: 'a', weight: 0 }])).toThrow(/sum to zero/);
	});
});

describe('pduPopulations', () => {
	it('gives a split district half to each of its two PDUs', () => {
		const result = pduPopulations([
			{ ladCode: 'E08000025', population: 1000, pduCodes: ['BCS', 'BNE'] },
			{ ladCode: 'E08000029', population: 200, pduCodes: ['BNE'] }
		]);
		expect(result.get('BCS')).toBe(500);
		expect(result.get('BNE')).toBe(700);
	});
});

describe('estimateNeeds', () => {
	it('multiplies caseload by share and leaves unpublished categories unknown, not zero', () => {
		const needs = estimateNeeds(
			1000,
			[
				{
					category: 'Accommodation',
					share: 0.39,
					measure: 'accommodation',
					provenance: 'published',
					note: ''
				}
			],
			['Accommodation', 'Social Inclusion']
		);
		expect(needs[0]).toMatchObject({ category: 'Accommodation', people: 390, share: 0.39 });
		expect(needs[1]).toMatchObject({ category: 'Social Inclusion', people: null, share: null });
	});
});
