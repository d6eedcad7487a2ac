// Bench of the coverage model: recompute need, places, coverage and gap for all 108 PDUs × 8 CRS
// categories × every subgroup from in-memory data (a seeded in-memory database, loaded once).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { median, percentile } from './stats.js';

export const COVERAGE_TARGET_MS = 5;

/** Untimed runs first: the JIT settles, and the garbage that seeding left is collected. */
const WARM_UP = 30;

export async function runCoverageBench({ runs = 100, log = () => {} } = {}) {
	const { CLI_BUNDLE, ensureCliBuild } = await import('../landscape.js');
	ensureCliBuild();
	const bundle = await import(pathToFileURL(CLI_BUNDLE).href);
	const { coverageModel, defaultAssumptions, SUBGROUPS, freshDatabase, loadGapBaseline } = bundle;
	const { db } = await freshDatabase({ seed: true });
	try {
		const baseline = await loadGapBaseline(db);
		const needShares = new Map(baseline.needShares);
		const assumptions = defaultAssumptions(new Date().toISOString().slice(0, 10));
		log(
			`coverage: ${baseline.pdus.length} PDUs, ${baseline.services.length} services, ${SUBGROUPS.length} subgroups`
		);
		const full = [];
		const computeOnly = [];
		let rows = 0;
		for (let i = 0; i < runs + WARM_UP; i++) {
			const t0 = performance.now();
			const prepared = coverageModel.prepareCoverage(
				baseline.pdus,
				needShares,
				baseline.services,
				assumptions
			);
			const t1 = performance.now();
			rows = coverageModel.computeAllGaps(prepared, SUBGROUPS).length;
			const t2 = performance.now();
			if (i < WARM_UP) continue;
			full.push(t2 - t0);
			computeOnly.push(t2 - t1);
		}
		return {
			pdus: baseline.pdus.length,
			services: baseline.services.length,
			subgroups: SUBGROUPS.length,
			rows,
			runs,
			medianMs: median(full),
			p95Ms: percentile(full, 95),
			computeMedianMs: median(computeOnly)
		};
	} finally {
		await db.destroy();
	}
}

/**
 * The bench in a process of its own (as `npm run bench` runs it), so the garbage and compiled code
 * other sections leave behind do not land in its timings.
 */
export async function runCoverageBenchInChild() {
	const { spawnSync } = await import('node:child_process');
	const result = spawnSync(process.execPath, [import.meta.filename, '--json'], {
		encoding: 'utf8',
		timeout: 5 * 60_000
	});
	const line = result.stdout.split('\n').find((l) => l.startsWith('COVERAGE_JSON '));
	if (result.status !== 0 || !line)
		throw new Error(`the coverage bench failed (${result.status}):\n${result.stderr.slice(-1500)}`);
	return JSON.parse(line.slice('COVERAGE_JSON '.length));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const r = await runCoverageBench({ log: (...a) => console.error('bench:', ...a) });
	if (process.argv.includes('--json')) console.log(`COVERAGE_JSON ${JSON.stringify(r)}`);
	console.log(
		`coverage ${r.pdus} PDUs × 8 categories × ${r.subgroups} subgroups (${r.rows} rows): median ${r.medianMs.toFixed(2)} ms ` +
			`(prepare + compute; compute only ${r.computeMedianMs.toFixed(2)} ms; p95 ${r.p95Ms.toFixed(2)} ms; target ≤ ${COVERAGE_TARGET_MS} ms)`
	);
}
