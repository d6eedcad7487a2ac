import { EARTH_RADIUS_KM, haversineKm } from './geo';

/**
 * Travel access by the enhanced two-step floating catchment area method (E2SFCA), defined exactly
 * so that results can be compared with other tools:
 *
 *   W(d) = (e^(−½(d/d0)²) − e^(−½)) / (1 − e^(−½))  for d ≤ d0, else 0
 *   R_j  = S_j / Σ_{k: d_kj ≤ d0} P_k·W(d_kj),       and R_j = 0 where that sum is 0
 *   A_i  = Σ_{j: d_ij ≤ d0} R_j·W(d_ij)
 *
 * d is the haversine great-circle distance in km on a sphere of radius 6371.0088 km
 * (`haversineKm`). P is people at a demand point and S places a year at a site, so R_j is places
 * per distance-weighted person in the site's catchment and A_i places a year per person.
 */

/** The catchment radius d0 used when none is given, in km. */
export const DEFAULT_CATCHMENT_KM = 30;

/** People per km² below which an area counts as rural for access (Landscape's stated rule). */
export const RURAL_DENSITY_PER_KM2 = 150;

/** A rural area has low access when less than this share of its people have a site within d0. */
export const LOW_ACCESS_SHARE = 0.5;

const RAD = Math.PI / 180;
const E_HALF = Math.exp(-0.5);
const ONE_MINUS_E_HALF = 1 - E_HALF;
const TWO_R = 2 * EARTH_RADIUS_KM;

/** Demand points in degrees, with people at each. The arrays have one entry per point. */
export interface DemandPoints {
	lat: Float64Array;
	lon: Float64Array;
	population: Float64Array;
}

/** Supply sites in degrees, with capacity (places a year) at each. One entry per site. */
export interface SupplySites {
	lat: Float64Array;
	lon: Float64Array;
	capacity: Float64Array;
}

export interface AccessResult {
	/** A_i for each demand point: places a year per person, distance-weighted */
	access: Float64Array;
	/** R_j for each site: its capacity per distance-weighted person in its catchment; 0 if none */
	supplyRatio: Float64Array;
	/** demand point–site pairs with d ≤ d0 */
	pairCount: number;
}

/**
 * The Gaussian distance-decay weight W(d): 1 at d = 0, falling to exactly 0 at d = d0, and 0
 * beyond. Both distances in km.
 */
export function gaussianWeight(distanceKm: number, catchmentKm: number): number {
	if (!(distanceKm <= catchmentKm)) return 0;
	const x = distanceKm / catchmentKm;
	return (Math.exp(-0.5 * x * x) - E_HALF) / ONE_MINUS_E_HALF;
}

function checkCatchment(catchmentKm: number): void {
	if (!(catchmentKm > 0) || !Number.isFinite(catchmentKm))
		throw new RangeError(`The catchment must be a positive number of km, not ${catchmentKm}.`);
}

function checkLengths(what: string, lat: ArrayLike<number>, ...others: ArrayLike<number>[]) {
	if (others.some((values) => values.length !== lat.length))
		throw new RangeError(`${what}: every array must have one entry per point.`);
}

function checkPoint(what: string, index: number, lat: number, lon: number): void {
	if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180))
		throw new RangeError(
			`${what} ${index}: (${lat}, ${lon}) is not a latitude and longitude in degrees.`
		);
}

/**
 * A uniform grid over points in latitude bands (the spatial index of `e2sfca`). Bands are `cellLat`
 * degrees high; a band's cells are `cellLat / cos(lat)` degrees of longitude wide at its poleward
 * edge, so about square in km. Points are counting-sorted into cells (band by band, west to east)
 * and their coordinates copied in that order, so each band's part of a catchment is one contiguous
 * run of memory.
 */
interface PointGrid {
	size: number;
	latMin: number;
	latMax: number;
	lonMin: number;
	lonMax: number;
	cellLat: number;
	bands: number;
	/** per band: its first cell, its number of cells and their width in degrees of longitude */
	bandFirstCell: Int32Array;
	bandCells: Int32Array;
	bandCellLon: Float64Array;
	/** cell c holds the sorted positions cellStart[c] … cellStart[c + 1] − 1 */
	cellStart: Int32Array;
	/** the input index of each sorted position */
	order: Int32Array;
	/** in sorted order: degrees and cos(lat) */
	lat: Float64Array;
	lon: Float64Array;
	cosLat: Float64Array;
}

/**
 * Bands are a quarter of d0 high. Each band is searched only over the longitudes the catchment
 * reaches within it (`candidateRanges`), so on the bench inputs this visits 1.10 candidates per
 * pair within d0, against 1.19 for bands d0/2 high and 1.35 for d0: pass 1 keeps a weight slot
 * per candidate, so fewer candidates also means less memory (measured: about 15% faster than d0).
 */
const BANDS_PER_CATCHMENT = 4;
/** …or taller, when that would give more than this many cells per point (sparse inputs). */
const CELLS_PER_POINT = 2;

function buildGrid(lat: Float64Array, lon: Float64Array, catchmentDeg: number): PointGrid {
	const n = lat.length;
	let latMin = n ? Infinity : 0;
	let latMax = n ? -Infinity : 0;
	let lonMin = n ? Infinity : 0;
	let lonMax = n ? -Infinity : 0;
	for (let i = 0; i < n; i++) {
		const y = lat[i]!;
		const x = lon[i]!;
		checkPoint('Point', i, y, x);
		if (y < latMin) latMin = y;
		if (y > latMax) latMax = y;
		if (x < lonMin) lonMin = x;
		if (x > lonMax) lonMax = x;
	}
	const latSpan = latMax - latMin;
	const lonSpan = lonMax - lonMin;
	const cellMin = catchmentDeg / BANDS_PER_CATCHMENT;
	// Rough area in square degrees of latitude, only to keep the number of cells near the points'.
	const midCos = Math.max(0.05, Math.cos(((latMin + latMax) / 2) * RAD));
	const area = (latSpan + cellMin) * (lonSpan * midCos + cellMin);
	const cellLat = Math.min(180, Math.max(cellMin, Math.sqrt(area / (CELLS_PER_POINT * n + 16))));
	const bands = Math.floor(latSpan / cellLat) + 1;
	const bandFirstCell = new Int32Array(bands + 1);
	const bandCells = new Int32Array(bands);
	const bandCellLon = new Float64Array(bands);
	for (let b = 0; b < bands; b++) {
		const poleward = Math.min(
			89.9,
			Math.max(Math.abs(latMin + b * cellLat), Math.abs(latMin + (b + 1) * cellLat))
		);
		const width = Math.min(360, cellLat / Math.cos(poleward * RAD));
		bandCellLon[b] = width;
		bandCells[b] = Math.floor(lonSpan / width) + 1;
		bandFirstCell[b + 1] = bandFirstCell[b]! + bandCells[b]!;
	}
	const cellCount = bandFirstCell[bands]!;
	const cellOf = new Int32Array(n);
	const cellStart = new Int32Array(cellCount + 1);
	for (let i = 0; i < n; i++) {
		const b = Math.min(bands - 1, Math.floor((lat[i]! - latMin) / cellLat));
		const c = Math.min(bandCells[b]! - 1, Math.floor((lon[i]! - lonMin) / bandCellLon[b]!));
		const cell = bandFirstCell[b]! + c;
		cellOf[i] = cell;
		cellStart[cell + 1]!++;
	}
	for (let c = 0; c < cellCount; c++) cellStart[c + 1]! += cellStart[c]!;
	const next = cellStart.slice(0, cellCount);
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) order[next[cellOf[i]!]!++] = i;
	const grid: PointGrid = {
		size: n,
		latMin,
		latMax,
		lonMin,
		lonMax,
		cellLat,
		bands,
		bandFirstCell,
		bandCells,
		bandCellLon,
		cellStart,
		order,
		lat: new Float64Array(n),
		lon: new Float64Array(n),
		cosLat: new Float64Array(n)
	};
	for (let p = 0; p < n; p++) {
		const i = order[p]!;
		grid.lat[p] = lat[i]!;
		grid.lon[p] = lon[i]!;
		grid.cosLat[p] = Math.cos(lat[i]! * RAD);
	}
	return grid;
}

/**
 * The catchment as a query needs it. The search region is that of a radius slightly larger than
 * d0 (by 1e-7), so that rounding never loses a pair that `haversineKm` puts within d0; which pairs
 * count is then decided by distance alone.
 */
interface Catchment {
	km: number;
	/** the enlarged radius, as degrees of latitude */
	latDeg: number;
	/** cos of the enlarged radius as an angle at the Earth's centre */
	cosAngle: number;
	/** haversine a = sin²(d / 2R) at the enlarged radius: pairs above it are certainly beyond d0 */
	maxA: number;
}

const ENLARGE = 1 + 1e-7;
/** Longitude slack in degrees for rounding in the search bounds (about 0.1 mm). */
const SLACK_DEG = 1e-9;

function catchmentOf(km: number): Catchment {
	const angle = Math.min(Math.PI, (km / EARTH_RADIUS_KM) * ENLARGE);
	return {
		km,
		latDeg: angle / RAD,
		cosAngle: Math.cos(angle),
		maxA: Math.min(1, Math.sin(angle / 2) ** 2 * ENLARGE)
	};
}

/**
 * Fill `out` with [start, end) ranges of sorted positions in the cells that can hold a point within
 * the catchment of (lat, lon); returns the number of ranges (two entries each). Each band is
 * searched over the longitudes the spherical cap reaches within the band's latitudes: at latitude
 * φ the cap reaches Δλ with cos Δλ = (cos δ − sin φ sin φq) / (cos φ cos φq), widest at
 * sin φ = sin φq / cos δ. A cap over a pole searches whole bands. Longitudes are searched as given
 * and shifted by ±360°, so inputs either side of the antimeridian meet.
 */
function candidateRanges(
	grid: PointGrid,
	lat: number,
	lon: number,
	catchment: Catchment,
	out: Int32Array
): number {
	const south = lat - catchment.latDeg;
	const north = lat + catchment.latDeg;
	if (grid.size === 0 || north < grid.latMin || south > grid.latMax) return 0;
	const b0 = Math.max(0, Math.floor((south - grid.latMin) / grid.cellLat));
	const b1 = Math.min(grid.bands - 1, Math.floor((north - grid.latMin) / grid.cellLat));
	const overPole = south <= -90 || north >= 90;
	const sinQ = Math.sin(lat * RAD);
	const cosQ = Math.cos(lat * RAD);
	// Over no pole, |sin φq| < cos δ, so the widest latitude exists.
	const widest = overPole ? 0 : Math.asin(sinQ / catchment.cosAngle) / RAD;
	let count = 0;
	for (let b = b0; b <= b1; b++) {
		const first = grid.bandFirstCell[b]!;
		const cells = grid.bandCells[b]!;
		let halfLon = 180;
		if (!overPole) {
			const bandSouth = Math.max(south, grid.latMin + b * grid.cellLat);
			const bandNorth = Math.min(north, grid.latMin + (b + 1) * grid.cellLat);
			const phi = Math.min(bandNorth, Math.max(bandSouth, widest)) * RAD;
			const c = (catchment.cosAngle - Math.sin(phi) * sinQ) / (Math.cos(phi) * cosQ);
			const reach = c >= 1 ? 0 : c <= -1 ? 180 : Math.acos(c) / RAD;
			halfLon = reach * ENLARGE + SLACK_DEG;
		}
		if (halfLon >= 180) {
			out[count++] = grid.cellStart[first]!;
			out[count++] = grid.cellStart[first + cells]!;
			continue;
		}
		const width = grid.bandCellLon[b]!;
		let done = -1;
		for (let shift = -360; shift <= 360; shift += 360) {
			const west = lon - halfLon + shift;
			const east = lon + halfLon + shift;
			if (east < grid.lonMin || west > grid.lonMax) continue;
			const c0 = Math.max(done + 1, Math.floor((west - grid.lonMin) / width));
			const c1 = Math.min(cells - 1, Math.floor((east - grid.lonMin) / width));
			if (c0 > c1) continue;
			out[count++] = grid.cellStart[first + c0]!;
			out[count++] = grid.cellStart[first + c1 + 1]!;
			done = c1;
		}
	}
	return count;
}

function rangeBuffer(grid: PointGrid): Int32Array {
	return new Int32Array(6 * grid.bands);
}

/*
 * The fast path of `e2sfca`. It evaluates the haversine formula of `haversineKm`,
 * a = sin²(Δφ/2) + cos φ1·cos φ2·sin²(Δλ/2), taking sin² of half differences under 0.02 rad
 * (about 2.3°) from its Taylor series. For pairs clearly inside d0 it then gets
 * (d/d0)² = (2R/d0)²·asin²(√a) from asin²(√a) = a + a²/3 + 8a³/45 + 4a⁴/35 + 128a⁵/1575 (for
 * a ≤ 4e-4, d under 254 km), and e^(−t) for 0 ≤ t < ½ as e^(−k/128) from a table times the Taylor
 * series of e^(−r), r = t − k/128 < 1/128. Each series leaves out under 1e-18 of its value, so
 * they agree with Math.sin, Math.sqrt, Math.asin and Math.exp to rounding (about 1e-15) in a
 * fraction of the time (the sums are grouped so that few operations wait on each other). Pairs within 0.1% of d0 of the edge take the exact path, `haversineKm`
 * then `gaussianWeight`, so which pairs count, and weights near 0 (where a tiny error would be a
 * large relative one), are exactly those of `e2sfcaNaive`.
 */
const SERIES_MAX_A = 4e-4;
const INNER_X2 = (1 - 1e-3) ** 2;
const INV_ONE_MINUS_E_HALF = 1 / ONE_MINUS_E_HALF;

const HALF_RAD = RAD / 2;

/**
 * sin²(x): for |x| < 0.02, u = x² and u·(1 − u/3 + 2u²/45 − u³/315), whose next term is under
 * 1e-17 of the value; else Math.sin. Grouped for short dependency chains, as below.
 */
function sinSquared(x: number): number {
	const u = x * x;
	if (u >= 4e-4) return Math.sin(x) ** 2;
	return u * (1 - u * (1 / 3) + u * u * (2 / 45 - u * (1 / 315)));
}

/** e^(−k/128) for k = 0 … 64: e^(−t) = e^(−k/128)·e^(−r) with 0 ≤ r < 1/128. */
const EXP_TABLE = Float64Array.from({ length: 65 }, (_, k) => Math.exp(-k / 128));

/** e^(−t) for 0 ≤ t ≤ ½: a table step times the Taylor series of e^(−r) to r⁶ (remainder < 4e-19). */
function expNegSmall(t: number): number {
	const k = (t * 128) | 0;
	const r = t - k / 128;
	const r2 = r * r;
	const series =
		1 - r + r2 * (1 / 2 - r * (1 / 6)) + r2 * r2 * (1 / 24 - r * (1 / 120) + r2 * (1 / 720));
	return EXP_TABLE[k]! * series;
}

/**
 * Pass 1's weights, one slot per candidate pair: tens of millions of slots on national inputs.
 * Touching that much fresh memory costs as much as computing the weights (page faults), so the
 * buffer is kept for the next call (e2sfca is synchronous: no two calls use it at once) unless it
 * is over 2^24 slots (128 MB). Every slot a call reads, it writes first.
 */
let scratch: Float64Array | null = null;
const MAX_KEPT_SLOTS = 1 << 24;
/** Slots are indexed by Int32; beyond this the weights alone would take 16 GB. */
const MAX_SLOTS = 0x7fffffff;

function weightSlots(size: number): Float64Array {
	if (scratch && scratch.length >= size) return scratch;
	const slots = new Float64Array(size);
	scratch = size <= MAX_KEPT_SLOTS ? slots : null;
	return slots;
}

/**
 * The cells each site searches, found once: site j's are the (start, end) pairs of sorted positions
 * in ranges[rangeStart[j]] … ranges[rangeStart[j + 1] − 1], and its candidates' weight slots start
 * at slotStart[j].
 */
interface SiteCandidates {
	rangeStart: Int32Array;
	ranges: Int32Array;
	slotStart: Int32Array;
}

function findCandidates(
	grid: PointGrid,
	supply: SupplySites,
	catchment: Catchment
): SiteCandidates {
	const m = supply.lat.length;
	const buffer = rangeBuffer(grid);
	const rangeStart = new Int32Array(m + 1);
	const slotStart = new Int32Array(m + 1);
	const found: number[] = [];
	let slots = 0;
	for (let j = 0; j < m; j++) {
		checkPoint('Site', j, supply.lat[j]!, supply.lon[j]!);
		const count = candidateRanges(grid, supply.lat[j]!, supply.lon[j]!, catchment, buffer);
		for (let r = 0; r < count; r += 2) {
			found.push(buffer[r]!, buffer[r + 1]!);
			slots += buffer[r + 1]! - buffer[r]!;
		}
		if (slots > MAX_SLOTS)
			throw new RangeError(
				`Over ${MAX_SLOTS} demand point–site pairs to check: use a smaller catchment or fewer points.`
			);
		rangeStart[j + 1] = found.length;
		slotStart[j + 1] = slots;
	}
	return { rangeStart, ranges: Int32Array.from(found), slotStart };
}

/**
 * Pass 1: the weight W of every candidate pair (0 beyond d0) into `weights`, and R_j of every site
 * into `supplyRatio`. Returns the number of pairs within d0. `population` is in grid order.
 */
function weighPairs(
	grid: PointGrid,
	population: Float64Array,
	supply: SupplySites,
	catchment: Catchment,
	candidates: SiteCandidates,
	weights: Float64Array,
	supplyRatio: Float64Array
): number {
	const catchmentKm = catchment.km;
	const maxA = catchment.maxA;
	const seriesScale = (TWO_R / catchmentKm) ** 2;
	const gLat = grid.lat;
	const gLon = grid.lon;
	const gCosLat = grid.cosLat;
	const { rangeStart, ranges, slotStart } = candidates;
	const siteLat = supply.lat;
	const siteLon = supply.lon;
	const capacity = supply.capacity;
	let pairCount = 0;
	for (let j = 0; j < siteLat.length; j++) {
		const lat = siteLat[j]!;
		const lon = siteLon[j]!;
		const cosLat = Math.cos(lat * RAD);
		let slot = slotStart[j]!;
		let weighted = 0;
		for (let r = rangeStart[j]!; r < rangeStart[j + 1]!; r += 2) {
			const end = ranges[r + 1]!;
			for (let p = ranges[r]!; p < end; p++, slot++) {
				// Haversine a from half the differences (exact in degrees), sin² by its series.
				const halfLat = (gLat[p]! - lat) * HALF_RAD;
				let dLon = gLon[p]! - lon;
				if (dLon > 180) dLon -= 360;
				else if (dLon < -180) dLon += 360;
				const halfLon = dLon * HALF_RAD;
				const a = sinSquared(halfLat) + gCosLat[p]! * cosLat * sinSquared(halfLon);
				let w = 0;
				if (a <= maxA) {
					const a2 = a * a;
					const x2 =
						a <= SERIES_MAX_A
							? seriesScale *
								a *
								(1 + a * (1 / 3) + a2 * (8 / 45 + a * (4 / 35) + a2 * (128 / 1575)))
							: ((TWO_R / catchmentKm) * Math.asin(Math.min(1, Math.sqrt(a)))) ** 2;
					if (x2 < INNER_X2) {
						w = (expNegSmall(0.5 * x2) - E_HALF) * INV_ONE_MINUS_E_HALF;
						pairCount++;
					} else {
						// Near the edge, exactly as e2sfcaNaive: haversineKm, then gaussianWeight.
						const d = haversineKm(gLat[p]!, gLon[p]!, lat, lon);
						if (d <= catchmentKm) {
							w = gaussianWeight(d, catchmentKm);
							pairCount++;
						}
					}
					weighted += population[p]! * w;
				}
				weights[slot] = w;
			}
		}
		supplyRatio[j] = weighted > 0 ? capacity[j]! / weighted : 0;
	}
	return pairCount;
}

/** Pass 2: A_i = Σ_j R_j·W_ij in grid order, sites in input order (as e2sfcaNaive sums). */
function spreadAccess(
	size: number,
	candidates: SiteCandidates,
	weights: Float64Array,
	supplyRatio: Float64Array
): Float64Array {
	const { rangeStart, ranges, slotStart } = candidates;
	const access = new Float64Array(size);
	for (let j = 0; j < supplyRatio.length; j++) {
		const ratio = supplyRatio[j]!;
		if (ratio === 0) continue;
		let slot = slotStart[j]!;
		for (let r = rangeStart[j]!; r < rangeStart[j + 1]!; r += 2) {
			const end = ranges[r + 1]!;
			for (let p = ranges[r]!; p < end; p++) access[p]! += ratio * weights[slot++]!;
		}
	}
	return access;
}

/**
 * E2SFCA access for every demand point, using a grid index so that only pairs that can be within
 * d0 are visited. Pass 1 goes over the sites and computes R_j, keeping each pair's weight; pass 2
 * spreads R_j·W back to the demand points, site by site in input order as `e2sfcaNaive` sums.
 * Which pairs are within d0 is decided exactly as `e2sfcaNaive` decides it, and results agree with
 * it to 1e-13 (relative) or better. `catchmentKm` is d0 in km.
 */
export function e2sfca(
	demand: DemandPoints,
	supply: SupplySites,
	catchmentKm: number = DEFAULT_CATCHMENT_KM
): AccessResult {
	checkCatchment(catchmentKm);
	checkLengths('Demand', demand.lat, demand.lon, demand.population);
	checkLengths('Supply', supply.lat, supply.lon, supply.capacity);
	const catchment = catchmentOf(catchmentKm);
	const grid = buildGrid(demand.lat, demand.lon, catchment.latDeg);
	const { order, size } = grid;
	const population = new Float64Array(size);
	for (let p = 0; p < size; p++) population[p] = demand.population[order[p]!]!;
	const candidates = findCandidates(grid, supply, catchment);
	const weights = weightSlots(candidates.slotStart[supply.lat.length]!);
	const supplyRatio = new Float64Array(supply.lat.length);
	const pairCount = weighPairs(
		grid,
		population,
		supply,
		catchment,
		candidates,
		weights,
		supplyRatio
	);
	const sortedAccess = spreadAccess(size, candidates, weights, supplyRatio);
	const access = new Float64Array(size);
	for (let p = 0; p < size; p++) access[order[p]!] = sortedAccess[p]!;
	return { access, supplyRatio, pairCount };
}

/**
 * E2SFCA by visiting every demand point–site pair: the reference that tests and the bench check
 * `e2sfca` against. O(points × sites); do not use it on real inputs.
 */
export function e2sfcaNaive(
	demand: DemandPoints,
	supply: SupplySites,
	catchmentKm: number = DEFAULT_CATCHMENT_KM
): AccessResult {
	checkCatchment(catchmentKm);
	checkLengths('Demand', demand.lat, demand.lon, demand.population);
	checkLengths('Supply', supply.lat, supply.lon, supply.capacity);
	const n = demand.lat.length;
	const m = supply.lat.length;
	for (let k = 0; k < n; k++) checkPoint('Point', k, demand.lat[k]!, demand.lon[k]!);
	for (let j = 0; j < m; j++) checkPoint('Site', j, supply.lat[j]!, supply.lon[j]!);
	const supplyRatio = new Float64Array(m);
	let pairCount = 0;
	for (let j = 0; j < m; j++) {
		let weighted = 0;
		for (let k = 0; k < n; k++) {
			const d = haversineKm(demand.lat[k]!, demand.lon[k]!, supply.lat[j]!, supply.lon[j]!);
			if (d <= catchmentKm) {
				weighted += demand.population[k]! * gaussianWeight(d, catchmentKm);
				pairCount++;
			}
		}
		supplyRatio[j] = weighted > 0 ? supply.capacity[j]! / weighted : 0;
	}
	const access = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let sum = 0;
		for (let j = 0; j < m; j++) {
			const d = haversineKm(demand.lat[i]!, demand.lon[i]!, supply.lat[j]!, supply.lon[j]!);
			if (d <= catchmentKm) sum += supplyRatio[j]! * gaussianWeight(d, catchmentKm);
		}
		access[i] = sum;
	}
	return { access, supplyRatio, pairCount };
}

/**
 * For each demand point, whether any site lies within d0 (`catchmentKm`, inclusive), by the same
 * distances as `e2sfca`: 1 if so, else 0.
 */
export function shareWithinCatchment(
	demand: Pick<DemandPoints, 'lat' | 'lon'>,
	supply: Pick<SupplySites, 'lat' | 'lon'>,
	catchmentKm: number = DEFAULT_CATCHMENT_KM
): Uint8Array {
	const n = demand.lat.length;
	checkCatchment(catchmentKm);
	checkLengths('Demand', demand.lat, demand.lon);
	checkLengths('Supply', supply.lat, supply.lon);
	const catchment = catchmentOf(catchmentKm);
	const grid = buildGrid(supply.lat, supply.lon, catchment.latDeg);
	const ranges = rangeBuffer(grid);
	const within = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		const lat = demand.lat[i]!;
		const lon = demand.lon[i]!;
		checkPoint('Point', i, lat, lon);
		const count = candidateRanges(grid, lat, lon, catchment, ranges);
		search: for (let r = 0; r < count; r += 2) {
			const end = ranges[r + 1]!;
			for (let p = ranges[r]!; p < end; p++) {
				if (haversineKm(lat, lon, grid.lat[p]!, grid.lon[p]!) <= catchmentKm) {
					within[i] = 1;
					break search;
				}
			}
		}
	}
	return within;
}

/** One demand point's share in a group: `weight` 1 for a whole district, ½ for one split in two. */
export interface GroupMember {
	point: number;
	weight: number;
}

export interface GroupAccess {
	/** people: Σ weight × population */
	population: number;
	/** population-weighted mean access of the members; null when the group has no people */
	access: number | null;
	/** share (0–1) of the group's people at points with a site within d0; null when no people */
	shareWithinCatchment: number | null;
}

/**
 * Aggregate point results to groups (e.g. districts to PDUs): population-weighted mean access and
 * the share of people at points with any site within d0. Each member counts
 * weight × its population.
 */
export function summariseGroups(
	population: ArrayLike<number>,
	access: ArrayLike<number>,
	within: ArrayLike<number>,
	groups: readonly (readonly GroupMember[])[]
): GroupAccess[] {
	return groups.map((members) => {
		let people = 0;
		let weightedAccess = 0;
		let reached = 0;
		for (const { point, weight } of members) {
			const p = weight * population[point]!;
			people += p;
			weightedAccess += p * access[point]!;
			if (within[point]) reached += p;
		}
		return {
			population: people,
			access: people > 0 ? weightedAccess / people : null,
			shareWithinCatchment: people > 0 ? reached / people : null
		};
	});
}

/** Rural: fewer than 150 people per km². Unknown when the area is not positive. */
export function isRural(population: number, areaKm2: number): boolean | null {
	if (!(areaKm2 > 0)) return null;
	return population / areaKm2 < RURAL_DENSITY_PER_KM2;
}

/** Low access: a rural area where under half the people have a site within d0. */
export function isLowAccess(rural: boolean | null, shareWithin: number | null): boolean {
	return rural === true && shareWithin !== null && shareWithin < LOW_ACCESS_SHARE;
}
