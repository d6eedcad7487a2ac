import { describe, expect, it } from 'vitest';
import { haversineKm, weightedCentroid } from './geo';

describe('haversineKm', () => {
	it.each([
		{ name: 'a point to itself', a: [54.5, -1.5], b: [54.5, -1.5], km: 0 },
		{ name: 'one degree of latitude', a: [0, 0], b: [1, 0], km: 111.195 },
		{ name: 'London to Manchester', a: [51.5074, -0.1278], b: [53.4808, -2.2426], km: 262.4 }
	])('$name ≈ $km km', ({ a, b, km }) => {
		expect(haversineKm(a[0]!, a[1]!, b[0]!, b[1]!)).toBeCloseTo(km, 0);
	});
});

describe('weightedCentroid', () => {
	it('leans towards the heavier point and ignores zero weights', () => {
		const c = weightedCentroid([
			{ lat: 54, lon: -2, weight: 3 },
			{ lat: 54, lon: -1, weight: 1 },
			{ lat: 10, lon: 10, weight: 0 }
		])!;
		expect(c.lat).toBeCloseTo(54, 1);
		expect(c.lon).toBeGreaterThan(-2);
		expect(c.lon).toBeLessThan(-1.5);
		expect(weightedCentroid([])).toBeNull();
	});
});
