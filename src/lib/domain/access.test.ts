import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	DEFAULT_CATCHMENT_KM,
	e2sfca,
	e2sfcaNaive,
	gaussianWeight,
	isLowAccess,
	isRural,
	shareWithinCatchment,
	summariseGroups,
	type AccessResult,
	type DemandPoints,
	type SupplySites
} from './access';
import { EARTH_RADIUS_KM, haversineKm } from './geo';

const KM_PER_DEG = (EARTH_RADIUS_KM * Math.PI) / 180;
/** Degrees of latitude for a distance north along a meridian, where haversine d = R·Δφ. */
const north = (km: number) => km / KM_PER_DEG;

function demandOf(points: readonly [number, number, number][]): DemandPoints {
	return {
		lat: Float64Array.from(points.map((p) => p[0])),
		lon: Float64Array.from(points.map((p) => p[1])),
		population: Float64Array.from(points.map((p) => p[2]))
	};
}
function supplyOf(sites: readonly [number, number, number][]): SupplySites {
	return {
		lat: Float64Array.from(sites.map((s) => s[0])),
		lon: Float64Array.from(sites.map((s) => s[1])),
		capacity: Float64Array.from(sites.map((s) => s[2]))
	};
}

/** Largest |actual − expected| / |expected|; a non-zero where 0 is expected counts as Infinity. */
function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
	expect(actual.length).toBe(expected.length);
	let worst = 0;
	for (let i = 0; i < expected.length; i++) {
		const e = expected[i]!;
		const a = actual[i]!;
		const err = e === 0 ? (a === 0 ? 0 : Infinity) : Math.abs(a - e) / Math.abs(e);
		if (!(err <= worst)) worst = err;
	}
	return worst;
}

function expectSameResult(actual: AccessResult, expected: AccessResult) {
	expect(actual.pairCount).toBe(expected.pairCount);
	expect(maxRelativeError(actual.supplyRatio, expected.supplyRatio)).toBeLessThanOrEqual(1e-9);
	expect(maxRelativeError(actual.access, expected.access)).toBeLessThanOrEqual(1e-9);
}

const implementations = [
	{ name: 'grid', run: e2sfca },
	{ name: 'naive', run: e2sfcaNaive }
];

describe('gaussianWeight', () => {
	it.each([
		{ why: 'W(0) = 1', d: 0, d0: 30, w: 1 },
		{ why: 'W(d0) = 0', d: 30, d0: 30, w: 0 },
		{ why: 'W(d0) = 0 for any d0', d: 7.25, d0: 7.25, w: 0 },
		{ why: 'W beyond d0 = 0', d: 30.000001, d0: 30, w: 0 },
		{ why: 'W far beyond d0 = 0', d: 500, d0: 30, w: 0 },
		{ why: 'W(d0/2) = (e^(−1/8) − e^(−1/2)) / (1 − e^(−1/2))', d: 15, d0: 30, w: 0.7013665732 },
		{ why: 'an unknown distance weighs nothing', d: NaN, d0: 30, w: 0 }
	])('$why', ({ d, d0, w }) => {
		expect(gaussianWeight(d, d0)).toBeCloseTo(w, 9);
	});

	it('falls from 1 to 0 across the catchment', () => {
		fc.assert(
			fc.property(
				fc.double({ min: 0, max: 1, noNaN: true }),
				fc.double({ min: 0, max: 1, noNaN: true }),
				fc.double({ min: 0.1, max: 500, noNaN: true }),
				(x, y, d0) => {
					const [near, far] = x <= y ? [x, y] : [y, x];
					const wNear = gaussianWeight(near * d0, d0);
					const wFar = gaussianWeight(far * d0, d0);
					return wNear >= wFar && wNear <= 1 && wFar >= 0;
				}
			)
		);
	});
});

/*
 * Hand-worked example, d0 = 30 km. Everything lies on the Greenwich meridian, so haversine
 * distances are the differences in km north:
 *
 *   demand D1 at 0 km (1,000 people), D2 at 15 km (2,000), D3 at 45 km (500)
 *   sites  S1 at 0 km (100 places),   S2 at 30 km (50 places)
 *
 *   W(0) = 1; W(15) = (e^(−0.125) − e^(−0.5)) / (1 − e^(−0.5))
 *                   = (0.8824969 − 0.6065307) / 0.3934693 = 0.7013666;
 *   W(30) = 0 (D1–S2 is exactly d0: in the catchment, weight 0); D3–S1 = 45 km is out.
 *
 *   R1 = 100 / (1000·1 + 2000·0.7013666)           = 100 / 2402.733 = 0.0416193
 *   R2 =  50 / (1000·0 + 2000·0.7013666 + 500·0.7013666) = 50 / 1753.417 = 0.0285158
 *   A1 = R1·1 + R2·0          = 0.0416193
 *   A2 = (R1 + R2)·0.7013666  = 0.0491904
 *   A3 = R2·0.7013666         = 50 / 2500 = 0.0200000
 *
 * Check: Σ P·A = 41.6193 + 98.3807 + 10.0000 = 150 = Σ S (every site has people in reach, so
 * E2SFCA hands out exactly the places there are).
 */
describe('E2SFCA on a hand-worked example', () => {
	const demand = demandOf([
		[north(0), 0, 1000],
		[north(15), 0, 2000],
		[north(45), 0, 500]
	]);
	const supply = supplyOf([
		[north(0), 0, 100],
		[north(30), 0, 50]
	]);

	it.each(implementations)('$name gives the hand-worked R and A', ({ run }) => {
		const result = run(demand, supply, 30);
		expect(result.pairCount).toBe(5);
		const expected = { ratio: [0.0416193, 0.0285158], access: [0.0416193, 0.0491904, 0.02] };
		expected.ratio.forEach((r, j) => expect(result.supplyRatio[j]).toBeCloseTo(r, 7));
		expected.access.forEach((a, i) => expect(result.access[i]).toBeCloseTo(a, 7));
		const handedOut = result.access.reduce((sum, a, i) => sum + a * demand.population[i]!, 0);
		expect(handedOut).toBeCloseTo(150, 9);
	});

	it('reaches every demand point within d0 (D1–S2 is on the edge)', () => {
		expect([...shareWithinCatchment(demand, supply, 30)]).toEqual([1, 1, 1]);
		expect([...shareWithinCatchment(demand, supply, 14.9)]).toEqual([1, 0, 0]);
	});
});

describe('E2SFCA special cases', () => {
	it.each(implementations)('$name: a catchment with no people gives R_j = 0', ({ run }) => {
		const result = run(
			demandOf([
				[52, -1, 0],
				[52.05, -1, 0],
				[54, -1, 1000]
			]),
			supplyOf([
				[52.02, -1, 80],
				[54, -1, 10]
			]),
			30
		);
		expect(result.supplyRatio[0]).toBe(0);
		expect(result.supplyRatio[1]).toBeCloseTo(0.01, 12);
		expect(result.access[0]).toBe(0);
		expect(result.access[1]).toBe(0);
		expect(result.access[2]).toBeCloseTo(0.01, 12);
	});

	it.each(implementations)('$name: a site with nobody in reach gives R_j = 0', ({ run }) => {
		const result = run(demandOf([[51.5, -0.1, 5000]]), supplyOf([[53.5, -2.2, 100]]), 30);
		expect(result.supplyRatio[0]).toBe(0);
		expect(result.access[0]).toBe(0);
		expect(result.pairCount).toBe(0);
	});

	it.each(implementations)('$name: empty inputs give empty or zero results', ({ run }) => {
		const none = run(demandOf([]), supplyOf([[52, -1, 10]]), 30);
		expect(none.access).toHaveLength(0);
		expect(none.supplyRatio[0]).toBe(0);
		const noSites = run(demandOf([[52, -1, 10]]), supplyOf([]), 30);
		expect([...noSites.access]).toEqual([0]);
	});

	it.each([
		{ why: 'a catchment of 0 km', d0: 0 },
		{ why: 'a negative catchment', d0: -5 },
		{ why: 'no catchment', d0: NaN },
		{ why: 'an infinite catchment', d0: Infinity }
	])('refuses $why', ({ d0 }) => {
		const demand = demandOf([[52, -1, 1]]);
		const supply = supplyOf([[52, -1, 1]]);
		expect(() => e2sfca(demand, supply, d0)).toThrow(RangeError);
		expect(() => e2sfcaNaive(demand, supply, d0)).toThrow(RangeError);
		expect(() => shareWithinCatchment(demand, supply, d0)).toThrow(RangeError);
	});

	it('refuses arrays of different lengths and points that are not coordinates', () => {
		const good = demandOf([[52, -1, 1]]);
		const supply = supplyOf([[52, -1, 1]]);
		expect(() => e2sfca({ ...good, population: new Float64Array(2) }, supply)).toThrow(
			/one entry per point/
		);
		expect(() => e2sfca(demandOf([[91, 0, 1]]), supply)).toThrow(/Point 0/);
		expect(() => e2sfca(good, supplyOf([[52, NaN, 1]]))).toThrow(/Site 0/);
	});

	it('uses a 30 km catchment by default', () => {
		const demand = demandOf([
			[north(0), 0, 100],
			[north(29), 0, 100],
			[north(31), 0, 100]
		]);
		const supply = supplyOf([[north(0), 0, 10]]);
		expect(DEFAULT_CATCHMENT_KM).toBe(30);
		expect(e2sfca(demand, supply)).toEqual(e2sfca(demand, supply, 30));
		expect([...shareWithinCatchment(demand, supply)]).toEqual([1, 1, 0]);
	});
});

describe('the catchment edge', () => {
	// Two points 1/7 of a degree apart on a diagonal, and d0 set to exactly their haversine distance.
	const demand = demandOf([[53.1, -1.3, 1000]]);
	const supply = supplyOf([[53.1 + 1 / 7, -1.3 + 1 / 7, 60]]);
	const edge = haversineKm(53.1, -1.3, 53.1 + 1 / 7, -1.3 + 1 / 7);

	it.each(implementations)(
		'$name: a pair exactly d0 apart is within the catchment with weight 0',
		({ run }) => {
			const result = run(demand, supply, edge);
			expect(result.pairCount).toBe(1);
			expect(gaussianWeight(edge, edge)).toBe(0);
			expect(result.supplyRatio[0]).toBe(0);
			expect(result.access[0]).toBe(0);
			expect(shareWithinCatchment(demand, supply, edge)[0]).toBe(1);
		}
	);

	it.each(implementations)('$name: a hair beyond d0 is outside it', ({ run }) => {
		const d0 = edge * (1 - 1e-12);
		expect(run(demand, supply, d0).pairCount).toBe(0);
		expect(shareWithinCatchment(demand, supply, d0)[0]).toBe(0);
	});

	it.each(implementations)('$name: a hair inside d0 has a tiny weight, all of it', ({ run }) => {
		const result = run(demand, supply, edge * (1 + 1e-9));
		expect(result.pairCount).toBe(1);
		// One person-weighted pair: R·W = S / (P·W) · W = S / P, however small W is.
		expect(result.access[0]).toBeCloseTo(60 / 1000, 9);
	});
});

/** A small seedable PRNG for point scatter inside fast-check properties. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), a | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const wrapLon = (lon: number) => ((((lon + 180) % 360) + 360) % 360) - 180;

interface Cluster {
	lat: number;
	lon: number;
	spreadKm: number;
	demand: number;
	sites: number;
}

/** Points scattered around cluster centres (towns), wrapping the antimeridian, clamped at the poles. */
function scatter(clusters: Cluster[], seed: number) {
	const next = random(seed);
	const place = (c: Cluster) => {
		const lat = Math.max(-90, Math.min(90, c.lat + ((next() - 0.5) * 2 * c.spreadKm) / KM_PER_DEG));
		const cos = Math.max(0.01, Math.cos((lat * Math.PI) / 180));
		return [lat, wrapLon(c.lon + ((next() - 0.5) * 2 * c.spreadKm) / (KM_PER_DEG * cos))] as const;
	};
	const demand: [number, number, number][] = [];
	const supply: [number, number, number][] = [];
	for (const c of clusters) {
		for (let i = 0; i < c.demand; i++)
			demand.push([...place(c), next() < 0.1 ? 0 : Math.round(next() * 10_000)]);
		for (let j = 0; j < c.sites; j++) supply.push([...place(c), Math.round(next() * 500)]);
	}
	return { demand: demandOf(demand), supply: supplyOf(supply) };
}

const cluster = (lat: fc.Arbitrary<number>) =>
	fc.record({
		lat,
		lon: fc.double({ min: -180, max: 180, noNaN: true }),
		spreadKm: fc.double({ min: 0.001, max: 120, noNaN: true }),
		demand: fc.integer({ min: 0, max: 30 }),
		sites: fc.integer({ min: 0, max: 8 })
	});

describe('the grid index gives the all-pairs result', () => {
	it('on random clustered points anywhere, to 1e-9', () => {
		fc.assert(
			fc.property(
				fc.array(cluster(fc.double({ min: -90, max: 90, noNaN: true })), {
					minLength: 1,
					maxLength: 5
				}),
				fc.double({ min: 0.5, max: 200, noNaN: true }),
				fc.integer(),
				(clusters, d0, seed) => {
					const { demand, supply } = scatter(clusters, seed);
					expectSameResult(e2sfca(demand, supply, d0), e2sfcaNaive(demand, supply, d0));
					const within = shareWithinCatchment(demand, supply, d0);
					const naiveWithin = demand.lat.map((lat, i) =>
						supply.lat.some(
							(sLat, j) => haversineKm(lat, demand.lon[i]!, sLat, supply.lon[j]!) <= d0
						)
							? 1
							: 0
					);
					expect([...within]).toEqual([...naiveWithin]);
				}
			),
			{ numRuns: 300 }
		);
	});

	it('at high latitudes and across the antimeridian', () => {
		const highLatitude = fc.oneof(
			fc.double({ min: 75, max: 90, noNaN: true }),
			fc.double({ min: -90, max: -75, noNaN: true })
		);
		fc.assert(
			fc.property(
				fc.array(cluster(highLatitude), { minLength: 1, maxLength: 4 }),
				fc.constantFrom(-180, -179.9, 179.95, 180),
				fc.double({ min: 1, max: 150, noNaN: true }),
				fc.integer(),
				(clusters, lon, d0, seed) => {
					const { demand, supply } = scatter(
						clusters.map((c, i) => (i === 0 ? { ...c, lon } : c)),
						seed
					);
					expectSameResult(e2sfca(demand, supply, d0), e2sfcaNaive(demand, supply, d0));
				}
			),
			{ numRuns: 200 }
		);
	});

	it('with points on and just off the grid cell edges and at the catchment edge', () => {
		// The index's bands are d0/4 high from the southernmost point, so a lattice of d0/2 puts
		// every row (within rounding) on a band edge, and cells are about as wide; sites sit at d0
		// and d0 ± 1 m from lattice points, and beside them.
		fc.assert(
			fc.property(
				fc.double({ min: -80, max: 80, noNaN: true }),
				fc.double({ min: -180, max: 180, noNaN: true }),
				fc.double({ min: 2, max: 100, noNaN: true }),
				fc.integer(),
				(lat0, lon0, d0, seed) => {
					const next = random(seed);
					const step = north(d0) / 2;
					const cos = Math.cos((lat0 * Math.PI) / 180);
					const demand: [number, number, number][] = [];
					for (let y = 0; y < 9; y++)
						for (let x = 0; x < 9; x++)
							demand.push([
								lat0 + y * step + (next() < 0.5 ? 0 : (next() - 0.5) * 1e-9),
								wrapLon(lon0 + (x * step) / cos),
								1 + Math.round(next() * 100)
							]);
					const supply: [number, number, number][] = [];
					for (let j = 0; j < 12; j++) {
						const [lat, lon] = demand[Math.floor(next() * demand.length)]!;
						const km = d0 + [0, 0.001, -0.001][j % 3]!;
						supply.push([Math.min(90, lat + north(km)), lon, 1 + Math.round(next() * 50)]);
						supply.push([lat, wrapLon(lon + (0.3 * step) / cos), 10]);
					}
					const d = demandOf(demand);
					const s = supplyOf(supply);
					expectSameResult(e2sfca(d, s, d0), e2sfcaNaive(d, s, d0));
				}
			),
			{ numRuns: 100 }
		);
	});
});

describe('summariseGroups', () => {
	const population = [1000, 3000, 500, 0];
	const access = [0.01, 0.02, 0.5, 0.9];
	const within = [1, 0, 1, 1];
	it.each([
		{
			why: 'whole districts: population-weighted mean and share reached',
			members: [
				{ point: 0, weight: 1 },
				{ point: 1, weight: 1 }
			],
			expected: { population: 4000, access: 0.0175, shareWithinCatchment: 0.25 }
		},
		{
			why: 'a split district counts half its people',
			members: [
				{ point: 1, weight: 1 },
				{ point: 2, weight: 0.5 }
			],
			expected: {
				population: 3250,
				access: (3000 * 0.02 + 250 * 0.5) / 3250,
				shareWithinCatchment: 250 / 3250
			}
		},
		{
			why: 'no people: access and share unknown',
			members: [{ point: 3, weight: 1 }],
			expected: { population: 0, access: null, shareWithinCatchment: null }
		},
		{
			why: 'no members',
			members: [],
			expected: { population: 0, access: null, shareWithinCatchment: null }
		}
	])('$why', ({ members, expected }) => {
		const [group] = summariseGroups(population, access, within, [members]);
		expect(group!.population).toBe(expected.population);
		if (expected.access === null) expect(group!.access).toBeNull();
		else expect(group!.access).toBeCloseTo(expected.access, 12);
		if (expected.shareWithinCatchment === null) expect(group!.shareWithinCatchment).toBeNull();
		else expect(group!.shareWithinCatchment).toBeCloseTo(expected.shareWithinCatchment, 12);
	});
});

describe('rural and low access', () => {
	it.each([
		{ population: 149, area: 1, rural: true },
		{ population: 150, area: 1, rural: false },
		{ population: 300_000, area: 2500, rural: true },
		{ population: 1_000_000, area: 300, rural: false },
		{ population: 1000, area: 0, rural: null }
	])('$population people on $area km² → rural $rural', ({ population, area, rural }) => {
		expect(isRural(population, area)).toBe(rural);
	});

	it.each([
		{ rural: true, share: 0.49, low: true },
		{ rural: true, share: 0.5, low: false },
		{ rural: false, share: 0, low: false },
		{ rural: null, share: 0, low: false },
		{ rural: true, share: null, low: false }
	])('rural $rural with $share reached → low access $low', ({ rural, share, low }) => {
		expect(isLowAccess(rural, share)).toBe(low);
	});
});
