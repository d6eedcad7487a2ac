// E2SFCA bench inputs and timing (`npm run bench`, section "E2SFCA"). Deterministic: the same seed
// gives the same towns, demand points and sites on every machine.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { median } from './stats.js';

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A standard normal variate (Box–Muller). */
function gaussian(random) {
	const u = 1 - random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const KM_PER_DEG_LAT = 111.195;
/** Roughly England and Wales (degrees). */
const BOUNDS = { latMin: 50.3, latMax: 55.4, lonMin: -4.6, lonMax: 1.6 };

/**
 * Town-like points over England and Wales: `towns` centres with long-tailed (Pareto, shape 1.55)
 * sizes; each point picks a town in proportion to its size and is scattered around it with a
 * Gaussian of a few km (wider for bigger towns). Demand points carry log-normal populations (about
 * an LSOA's); sites carry 5–200 places. The shape is set so that about 5% of demand–site pairs lie
 * within 30 km (5.25%), as for the real districts' populations and centroids in data/geography
 * (5.1%, if demand and sites both follow population).
 */
export function generateAccessInputs({ demandPoints, sites, towns = 300, seed = 20_211_123 }) {
	const random = seededRandom(seed);
	const centres = Array.from({ length: towns }, () => ({
		lat: BOUNDS.latMin + random() * (BOUNDS.latMax - BOUNDS.latMin),
		lon: BOUNDS.lonMin + random() * (BOUNDS.lonMax - BOUNDS.lonMin),
		size: (1 - random()) ** (-1 / 1.55)
	}));
	const cumulative = [];
	let total = 0;
	for (const town of centres) cumulative.push((total += town.size));
	const pickTown = () => {
		const target = random() * total;
		let lo = 0;
		let hi = cumulative.length - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (cumulative[mid] < target) lo = mid + 1;
			else hi = mid;
		}
		return centres[lo];
	};
	const scatter = (count, value) => {
		const lat = new Float64Array(count);
		const lon = new Float64Array(count);
		const values = new Float64Array(count);
		for (let i = 0; i < count; i++) {
			const town = pickTown();
			const sigmaKm = 2 + 1.5 * Math.log(1 + town.size);
			lat[i] = town.lat + (gaussian(random) * sigmaKm) / KM_PER_DEG_LAT;
			lon[i] =
				town.lon +
				(gaussian(random) * sigmaKm) / (KM_PER_DEG_LAT * Math.cos((town.lat * Math.PI) / 180));
			values[i] = value();
		}
		return { lat, lon, values };
	};
	const d = scatter(demandPoints, () => Math.round(Math.exp(7.4 + 0.5 * gaussian(random))));
	const s = scatter(sites, () => 5 + Math.floor(random() * 196));
	return {
		demand: { lat: d.lat, lon: d.lon, population: d.values },
		supply: { lat: s.lat, lon: s.lon, capacity: s.values }
	};
}

/** Largest relative difference between two result arrays; a non-zero where 0 was expected is Infinity. */
export function maxRelativeError(actual, expected) {
	let worst = 0;
	for (let i = 0; i < expected.length; i++) {
		const e = expected[i];
		const a = actual[i];
		const err = e === 0 ? (a === 0 ? 0 : Infinity) : Math.abs(a - e) / Math.abs(e);
		if (!(err <= worst)) worst = err; // NaN counts as worst
	}
	return worst;
}

/** Bench inputs and runs (the E2SFCA section of `npm run bench`). */
export const E2SFCA_BENCH = { demandPoints: 35_000, sites: 5_000, catchmentKm: 30, runs: 5 };
export const E2SFCA_TARGETS = { medianMs: 400, maxRelativeError: 1e-9 };

/**
 * Time `model.e2sfca` (median of `runs` after one warm-up; JavaScript runs it on one thread, with
 * no workers) and check it once
 * against `model.e2sfcaNaive`, the all-pairs reference. `model` is the domain module as bundled by
 * vite.cli.config.ts. Wall and CPU time are both kept: on a busy machine they differ.
 */
export function benchE2sfca(model, { demandPoints, sites, catchmentKm, runs, log }) {
	const generateStarted = performance.now();
	const { demand, supply } = generateAccessInputs({ demandPoints, sites });
	const generateMs = performance.now() - generateStarted;
	// One untimed warm-up run first (as the HTTP timings warm up): V8 compiles the kernel and the
	// weight buffer is allocated. Its time is kept as the cold figure, for information.
	const coldStarted = performance.now();
	model.e2sfca(demand, supply, catchmentKm);
	const coldMs = performance.now() - coldStarted;
	log(`E2SFCA grid warm-up run (cold): ${Math.round(coldMs)} ms`);
	const wallMs = [];
	const cpuMs = [];
	let result = null;
	for (let r = 0; r < runs; r++) {
		const cpu = process.cpuUsage();
		const started = performance.now();
		result = model.e2sfca(demand, supply, catchmentKm);
		wallMs.push(performance.now() - started);
		const used = process.cpuUsage(cpu);
		cpuMs.push((used.user + used.system) / 1000);
		log(
			`E2SFCA grid run ${r + 1}/${runs}: ${Math.round(wallMs.at(-1))} ms (CPU ${Math.round(cpuMs.at(-1))} ms)`
		);
	}
	log(`E2SFCA all-pairs reference, once (${demandPoints * sites} pairs, takes a while)…`);
	const naiveStarted = performance.now();
	const naive = model.e2sfcaNaive(demand, supply, catchmentKm);
	const naiveMs = performance.now() - naiveStarted;
	log(`E2SFCA all-pairs reference: ${Math.round(naiveMs)} ms`);
	return {
		demandPoints,
		sites,
		catchmentKm,
		generateMs,
		coldMs,
		runsMs: wallMs,
		medianMs: median(wallMs),
		cpuRunsMs: cpuMs,
		cpuMedianMs: median(cpuMs),
		naiveMs,
		pairCount: result.pairCount,
		naivePairCount: naive.pairCount,
		maxRelErrorAccess: maxRelativeError(result.access, naive.access),
		maxRelErrorRatio: maxRelativeError(result.supplyRatio, naive.supplyRatio)
	};
}

/**
 * Build build-cli/ if needed (scripts/landscape.js), load its bundled access model and bench it.
 */
export async function runE2sfcaBench({ log = () => {} } = {}) {
	const { CLI_BUNDLE, ensureCliBuild } = await import('../landscape.js');
	const built = ensureCliBuild();
	const { accessModel } = await import(pathToFileURL(CLI_BUNDLE).href);
	return { built, ...benchE2sfca(accessModel, { ...E2SFCA_BENCH, log }) };
}

// `node scripts/bench/access.js`: this section alone.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const r = await runE2sfcaBench({ log: (...args) => console.error('bench:', ...args) });
	const ms = (v) => `${Math.round(v)} ms`;
	console.log(
		`E2SFCA ${r.demandPoints} × ${r.sites}, d0 ${r.catchmentKm} km: median ${ms(r.medianMs)} ` +
			`(target ≤ ${E2SFCA_TARGETS.medianMs} ms; CPU ${ms(r.cpuMedianMs)}; runs ${r.runsMs.map(ms).join(', ')}; ` +
			`cold first run ${ms(r.coldMs)}), ` +
			`${r.pairCount} pairs; all pairs ${ms(r.naiveMs)}; max relative error ` +
			`${Math.max(r.maxRelErrorAccess, r.maxRelErrorRatio).toExponential(2)} (target ≤ ${E2SFCA_TARGETS.maxRelativeError})`
	);
	console.log(`BENCH_E2SFCA_JSON ${JSON.stringify(r)}`);
}
