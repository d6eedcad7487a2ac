// Landscape performance bench (`npm run bench`). A measurement, not a test: it prints each figure
// beside its target ("OK" / "OVER", or "info"), then one line `BENCH_JSON {...}` with every number.
// Progress goes to stderr; the table and the JSON line go to stdout.
//
//   1. builds the app if build/index.js is missing;
//   2. first start including seeding: 5 runs, each on a fresh temporary database, timed from spawn
//      to the first HTTP 200 from GET / (polled every 20 ms);          target ≤ 5 s (median and max)
//   3. second start on an already-seeded database: median of 3, for information;
//   4. GET / on one warm server: 20 warm-up + 300 timed sequential requests; target median ≤ 30 ms;
//   5. GET /api/v1/regions and /api/v1/services?source=crs&year=2021 the same way (200 requests);
//   6. JavaScript shipped to the overview, gzipped (level 9);                       target ≤ 200 kB
//      plus the CSS for information.
//   7. E2SFCA travel access (section "E2SFCA", bench/access.js; no server): 35,000 demand points ×
//      5,000 sites clustered like towns, d0 = 30 km, from the CLI bundle (build-cli/, built if
//      missing or stale): grid index median of 5 runs after 1 warm-up, one thread, target ≤ 400 ms;
//      checked once against the all-pairs reference (~20–30 s): max relative error, target ≤ 1e-9.
//   8. Gap map update in Debian chromium (bench/map-update.js): change event to restyled map, ≤ 50 ms;
//   9. coverage model (bench/coverage.js): 108 PDUs × 8 categories × 8 subgroups recomputed, ≤ 5 ms.
//  11. scenario model (bench/scenario.js): runScenario, national baseline, three changes, ≤ 5 ms;
//  12. sign-in ≤ 300 ms and the authorisation check ≤ 1 ms a request (bench/auth.js);
//  13. read API throughput (bench/read-api.js): GET /api/v1/gaps for one region and category from
//      16 concurrent keep-alive connections for 5 s after 1.5 s warm-up, on the warm server of step
//      4: target ≥ 1,000 req/s with p99 ≤ 50 ms; then the same on a new PostgreSQL database
//      (LANDSCAPE_TEST_PG_URL's server, dropped after) with one instance, and with two;
//  14. db copy (bench/db-copy.js): a seeded SQLite database with 100,000 imported services copied
//      into a new PostgreSQL database by `landscape db copy`, verified: ≤ 10 s;
//  10. import (bench/import.js): a generated 100,000-row services CSV (fixed seed) checked with
//      --dry-run (≤ 1 s) and imported into a fresh seeded database (≤ 2 s) by the CLI bundle, each in
//      a child process (peak RSS ≤ 300 MB), median of 3; plus a re-import with a tenth renamed.
//
// The servers run from a private copy of build/ taken once it is stable (see bench/snapshot.js), so
// a rebuild by someone else during the bench cannot break them; their cwd is the project root.
// Only 127.0.0.1 is contacted; every loop is bounded in count and time; every server started is
// stopped (SIGTERM, then SIGKILL after 2 s) and every temporary database removed, on any exit path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { E2SFCA_TARGETS, runE2sfcaBench } from './bench/access.js';
import { COVERAGE_TARGET_MS, runCoverageBenchInChild } from './bench/coverage.js';
import { DB_COPY_TARGET_MS, runDbCopyBench } from './bench/db-copy.js';
import { IMPORT_TARGETS, runImportBench } from './bench/import.js';
import { SCENARIO_TARGET_MS, runScenarioBench } from './bench/scenario.js';
import { AUTH_TARGETS, runAuthBench } from './bench/auth.js';
import { measureMapUpdate } from './bench/map-update.js';
import { STUDIO_UPDATE_TARGET_MS, measureStudioUpdate } from './bench/studio-update.js';
import { measureOverviewAssets } from './bench/assets.js';
import {
	READ_API,
	READ_API_TARGETS,
	describeLoad,
	loadTest,
	runPostgresReadApi
} from './bench/read-api.js';
import { freePort, get, sleep } from './bench/http.js';
import {
	installCleanupHandlers,
	isAlive,
	logTail,
	makeTempDir,
	removeTempDir,
	spawnServer,
	stopServer
} from './bench/proc.js';
import { buildVersion, snapshotBuild } from './bench/snapshot.js';
import { max, median, min, percentile, round } from './bench/stats.js';

const root = path.resolve(import.meta.dirname, '..');

const CONFIG = {
	firstStartRuns: 5,
	secondStartRuns: 3,
	pollMs: 20,
	startTimeoutMs: 60_000,
	// Once the server answers at all, a non-200 answer persisting this long is a failure.
	non200GraceMs: 5000,
	requestTimeoutMs: 10_000,
	warmup: 20,
	overviewRequests: 300,
	apiRequests: 200,
	endpointBudgetMs: 120_000,
	buildTimeoutMs: 10 * 60_000
};
const TARGETS = {
	firstStartMs: 5000,
	overviewMedianMs: 30,
	overviewJsGzipBytes: 200_000 // 200 kB, 1 kB = 1000 bytes (as Vite reports sizes)
};
const API_ENDPOINTS = ['/api/v1/regions', '/api/v1/services?source=crs&year=2021'];

const log = (...args) => console.error('bench:', ...args);
let serverScript = path.join(root, 'scripts', 'start.js'); // replaced by the snapshot's copy

// ---------------------------------------------------------------------------------------------
// Steps

function ensureBuild() {
	if (fs.existsSync(path.join(root, 'build', 'index.js'))) return { built: false };
	log('build/index.js is missing: running `npx vite build`…');
	const started = performance.now();
	const result = spawnSync('npx', ['vite', 'build'], {
		cwd: root,
		stdio: ['ignore', 2, 2], // build output goes to stderr
		timeout: CONFIG.buildTimeoutMs
	});
	if (result.status !== 0 || !fs.existsSync(path.join(root, 'build', 'index.js'))) {
		throw new Error(
			`npx vite build failed (status ${result.status}${result.error ? `, ${result.error.message}` : ''})`
		);
	}
	return { built: true, buildMs: performance.now() - started };
}

/**
 * Spawn a server on `db` and poll GET / every 20 ms until it answers 200. Returns the running child
 * and the wall time from spawn to the end of that first 200 response.
 */
async function startAndTime(db) {
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const started = performance.now();
	const child = spawnServer({ cwd: root, script: serverScript, port, db });
	const deadline = started + CONFIG.startTimeoutMs;
	let lastProblem = 'no attempt made';
	let firstNon200 = null;
	try {
		for (
			let attempt = 0;
			attempt < Math.ceil(CONFIG.startTimeoutMs / CONFIG.pollMs) + 1;
			attempt++
		) {
			const attemptStarted = performance.now();
			if (child.spawnError) throw child.spawnError;
			if (!isAlive(child)) {
				throw new Error(
					`server exited early (code ${child.exitCode}, signal ${child.signalCode}):\n${logTail(child)}`
				);
			}
			if (attemptStarted > deadline) break;
			let res = null;
			try {
				res = await get(`${base}/`, {
					accept: 'text/html',
					timeoutMs: Math.max(100, Math.min(CONFIG.requestTimeoutMs, deadline - attemptStarted))
				});
			} catch (err) {
				lastProblem = err.code ?? err.message; // not listening yet (ECONNREFUSED) and the like
			}
			if (res?.status === 200) return { child, base, ms: performance.now() - started };
			if (res) {
				lastProblem = `HTTP ${res.status}`;
				firstNon200 ??= performance.now();
				if (performance.now() - firstNon200 > CONFIG.non200GraceMs) {
					throw new Error(
						`GET / kept answering ${res.status} for ${CONFIG.non200GraceMs} ms:\n${logTail(child)}`
					);
				}
			}
			await sleep(Math.max(0, CONFIG.pollMs - (performance.now() - attemptStarted)));
		}
		throw new Error(
			`server did not answer 200 within ${CONFIG.startTimeoutMs} ms (last: ${lastProblem}):\n${logTail(child)}`
		);
	} catch (err) {
		await stopServer(child);
		throw err;
	}
}

const seededMs = (child) => {
	const m = child.log.match(/seeded .* in (\d+) ms/);
	return m ? Number(m[1]) : null;
};

async function firstStarts() {
	const runs = [];
	let keptDir = null;
	for (let i = 0; i < CONFIG.firstStartRuns; i++) {
		const dir = makeTempDir();
		const last = i === CONFIG.firstStartRuns - 1;
		try {
			const { child, ms } = await startAndTime(path.join(dir, 'landscape.db'));
			await stopServer(child);
			runs.push({ ms, seedMs: seededMs(child) });
			log(
				`first start ${i + 1}/${CONFIG.firstStartRuns}: ${Math.round(ms)} ms (seeding ${seededMs(child) ?? '?'} ms)`
			);
		} finally {
			if (last)
				keptDir = dir; // the last run's seeded database is reused for the later steps
			else removeTempDir(dir);
		}
	}
	return { runs, seededDir: keptDir };
}

async function secondStarts(db) {
	const runs = [];
	for (let i = 0; i < CONFIG.secondStartRuns; i++) {
		const { child, ms } = await startAndTime(db);
		await stopServer(child);
		const reseeded = /seeded /.test(child.log);
		runs.push({ ms, reseeded });
		log(
			`second start ${i + 1}/${CONFIG.secondStartRuns}: ${Math.round(ms)} ms${reseeded ? ' (RESEEDED!)' : ''}`
		);
	}
	return runs;
}

/** Probe, warm up, then time `count` sequential GETs of `pathname` over one keep-alive connection. */
async function timeEndpoint(base, pathname, count, accept) {
	const { Agent } = await import('node:http');
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	const deadline = performance.now() + CONFIG.endpointBudgetMs;
	const opts = { agent, accept, timeoutMs: CONFIG.requestTimeoutMs };
	try {
		const probe = await get(base + pathname, opts);
		if (probe.status === 404) return { available: false, status: 404 };
		if (probe.status !== 200)
			return { available: true, error: `HTTP ${probe.status}`, status: probe.status };
		for (let i = 0; i < CONFIG.warmup && performance.now() < deadline; i++)
			await get(base + pathname, opts);
		const times = [];
		const statuses = {};
		for (let i = 0; i < count && performance.now() < deadline; i++) {
			const res = await get(base + pathname, opts);
			times.push(res.ms);
			statuses[res.status] = (statuses[res.status] ?? 0) + 1;
		}
		const non200 = times.length - (statuses[200] ?? 0);
		return {
			available: true,
			requests: times.length,
			bytes: probe.body.length,
			medianMs: median(times),
			p95Ms: percentile(times, 95),
			p99Ms: percentile(times, 99),
			minMs: min(times),
			maxMs: max(times),
			statuses,
			non200,
			timedOut: times.length < count
		};
	} finally {
		agent.destroy();
	}
}

// ---------------------------------------------------------------------------------------------
// Report

const rows = [];
const row = (label, value, target = '–', status = 'info', note = '') =>
	rows.push({ label, value, target, status, note });
const ms0 = (v) => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);
const ms1 = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(1)} ms`);
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const verdict = (value, limit) =>
	value === null || value === undefined ? 'ERROR' : value <= limit ? 'OK' : 'OVER';

function printTable(header) {
	const w = [
		Math.max(6, ...rows.map((r) => r.label.length)),
		Math.max(5, ...rows.map((r) => r.value.length)),
		Math.max(6, ...rows.map((r) => r.target.length))
	];
	const line = (a, b, c, d, e) =>
		`${a.padEnd(w[0])}  ${b.padStart(w[1])}  ${c.padEnd(w[2])}  ${d.padEnd(6)}  ${e}`.trimEnd();
	console.log(header);
	console.log(line('Figure', 'Value', 'Target', 'Status', 'Notes'));
	console.log(line('-'.repeat(w[0]), '-'.repeat(w[1]), '-'.repeat(w[2]), '------', '-----'));
	for (const r of rows) console.log(line(r.label, r.value, r.target, r.status, r.note));
	console.log(
		'kB = 1000 bytes; gzip = zlib level 9 per file; medians of an even count average the middle two; p95/p99 nearest-rank.'
	);
}

// ---------------------------------------------------------------------------------------------

async function main() {
	installCleanupHandlers();
	const benchStarted = performance.now();
	const json = {
		date: new Date().toISOString(),
		node: process.version,
		platform: `${os.platform()} ${os.arch()}`,
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model ?? null,
		loadAvg: os.loadavg().map((v) => round(v, 2)),
		targets: TARGETS,
		errors: []
	};
	const fail = (step, err) => {
		log(`${step} failed:`, err?.stack ?? err);
		json.errors.push({ step, message: String(err?.message ?? err) });
	};

	let snapshot = null;
	try {
		json.build = ensureBuild();
		snapshot = await snapshotBuild(root);
		serverScript = snapshot.script;
		json.build.version = snapshot.version;
		json.build.builtAt = snapshot.builtAt;
		log(
			`running servers from a copy of build/ (version ${snapshot.version}, built ${snapshot.builtAt})`
		);
	} catch (err) {
		fail('build', err);
	}

	let seededDir = null;
	let server = null;
	try {
		if (!json.errors.length) {
			// 2. First start including seeding.
			try {
				const first = await firstStarts();
				seededDir = first.seededDir;
				const times = first.runs.map((r) => r.ms);
				json.firstStart = {
					runs: times.map((t) => round(t)),
					medianMs: round(median(times)),
					maxMs: round(max(times)),
					seedMs: first.runs.map((r) => r.seedMs),
					seedMedianMs: median(first.runs.map((r) => r.seedMs).filter((v) => v !== null))
				};
				const runList = `runs: ${times.map((t) => Math.round(t)).join(', ')} ms`;
				row(
					`First start incl. seeding, median of ${times.length}`,
					ms0(median(times)),
					`≤ ${TARGETS.firstStartMs} ms`,
					verdict(median(times), TARGETS.firstStartMs),
					runList
				);
				row(
					`First start incl. seeding, max of ${times.length}`,
					ms0(max(times)),
					`≤ ${TARGETS.firstStartMs} ms`,
					verdict(max(times), TARGETS.firstStartMs)
				);
				row(
					'  of which seeding (server log), median',
					ms0(json.firstStart.seedMedianMs),
					'–',
					'info',
					`runs: ${first.runs.map((r) => r.seedMs ?? '?').join(', ')} ms`
				);
			} catch (err) {
				fail('first start', err);
				row(
					'First start incl. seeding',
					'ERROR',
					`≤ ${TARGETS.firstStartMs} ms`,
					'ERROR',
					'see stderr'
				);
			}

			// 3. Second start on the seeded database.
			if (seededDir) {
				const db = path.join(seededDir, 'landscape.db');
				try {
					const runs = await secondStarts(db);
					const times = runs.map((r) => r.ms);
					json.secondStart = {
						runs: times.map((t) => round(t)),
						medianMs: round(median(times)),
						reseeded: runs.some((r) => r.reseeded)
					};
					row(
						`Second start (seeded DB), median of ${times.length}`,
						ms0(median(times)),
						'–',
						'info',
						`runs: ${times.map((t) => Math.round(t)).join(', ')} ms; ${json.secondStart.reseeded ? 'RESEEDED' : 'no reseed'}`
					);
					if (json.secondStart.reseeded)
						row('Second start reseeded the database!', 'yes', 'no reseed', 'OVER');
				} catch (err) {
					fail('second start', err);
					row('Second start (seeded DB)', 'ERROR', '–', 'ERROR', 'see stderr');
				}

				// 4–6 against one running, already seeded server.
				try {
					server = await startAndTime(db);
				} catch (err) {
					fail('server for request timings', err);
				}
			}

			if (server) {
				try {
					const r = await timeEndpoint(server.base, '/', CONFIG.overviewRequests, 'text/html');
					json.overview = roundTimes(r);
					if (!r.available || r.error) throw new Error(`GET / answered ${r.status}`);
					const spread = `min ${ms1(r.minMs)}, max ${ms1(r.maxMs)}`;
					row(
						`GET / median (${r.requests} req.)`,
						ms1(r.medianMs),
						`≤ ${TARGETS.overviewMedianMs} ms`,
						r.non200 ? 'ERROR' : verdict(r.medianMs, TARGETS.overviewMedianMs),
						spread
					);
					row('GET / p95', ms1(r.p95Ms));
					row('GET / p99', ms1(r.p99Ms));
					row('GET / HTML size', kb(r.bytes), '–', 'info', 'uncompressed');
					if (r.non200) row('GET / non-200 answers', String(r.non200), '0', 'ERROR');
				} catch (err) {
					fail('GET / timing', err);
					row('GET / median', 'ERROR', `≤ ${TARGETS.overviewMedianMs} ms`, 'ERROR', 'see stderr');
				}

				json.api = {};
				for (const endpoint of API_ENDPOINTS) {
					try {
						const r = await timeEndpoint(
							server.base,
							endpoint,
							CONFIG.apiRequests,
							'application/json'
						);
						json.api[endpoint] = roundTimes(r);
						if (!r.available) {
							row(`GET ${endpoint}`, 'not available', '–', 'info', 'HTTP 404');
						} else if (r.error) {
							row(`GET ${endpoint}`, r.error, '–', 'ERROR');
						} else {
							row(
								`GET ${endpoint} median (${r.requests} req.)`,
								ms1(r.medianMs),
								'–',
								r.non200 ? 'ERROR' : 'info',
								`min ${ms1(r.minMs)}, max ${ms1(r.maxMs)}; body ${kb(r.bytes)}`
							);
							row(`GET ${endpoint} p95`, ms1(r.p95Ms));
							row(`GET ${endpoint} p99`, ms1(r.p99Ms));
						}
					} catch (err) {
						fail(`GET ${endpoint} timing`, err);
						row(`GET ${endpoint}`, 'ERROR', '–', 'ERROR', 'see stderr');
					}
				}

				// Read API throughput (issue 8): concurrent keep-alive clients on one instance.
				try {
					const r = await loadTest([server.base]);
					json.readApi = { sqlite: { oneInstance: r }, targets: READ_API_TARGETS };
					if (r.non200 || r.errors) throw new Error(describeLoad(r));
					row(
						`Read API ${READ_API.path}, SQLite, 1 instance`,
						`${Math.round(r.reqPerSec)} req/s`,
						`≥ ${READ_API_TARGETS.reqPerSec} req/s`,
						r.reqPerSec >= READ_API_TARGETS.reqPerSec ? 'OK' : 'OVER',
						`${r.connections} connections, ${r.requests} requests in ${r.seconds.toFixed(1)} s; p50 ${ms1(r.p50Ms)}`
					);
					row(
						'  its p99',
						ms1(r.p99Ms),
						`≤ ${READ_API_TARGETS.p99Ms} ms`,
						verdict(r.p99Ms, READ_API_TARGETS.p99Ms)
					);
					const pg = await runPostgresReadApi({
						cwd: root,
						script: serverScript,
						dir: makeTempDir('landscape-read-api-'),
						log
					});
					if ('skipped' in pg) {
						json.readApi.postgres = pg;
						row('Read API throughput, PostgreSQL', 'skipped', '–', 'info', pg.skipped);
					} else {
						const { oneInstance: one, twoInstances: two } = pg.result;
						json.readApi.postgres = pg.result;
						if (one.non200 || one.errors || two.non200 || two.errors)
							throw new Error(`PostgreSQL: ${describeLoad(one)}; ${describeLoad(two)}`);
						row(
							`Read API ${READ_API.path}, PostgreSQL, 1 instance`,
							`${Math.round(one.reqPerSec)} req/s`,
							`≥ ${READ_API_TARGETS.reqPerSec} req/s`,
							one.reqPerSec >= READ_API_TARGETS.reqPerSec ? 'OK' : 'OVER',
							`${one.connections} connections, ${one.requests} requests in ${one.seconds.toFixed(1)} s; p50 ${ms1(one.p50Ms)}`
						);
						row(
							'  its p99',
							ms1(one.p99Ms),
							`≤ ${READ_API_TARGETS.p99Ms} ms`,
							verdict(one.p99Ms, READ_API_TARGETS.p99Ms)
						);
						row(
							'Read API, PostgreSQL, 2 instances',
							`${Math.round(two.reqPerSec)} req/s`,
							'–',
							'info',
							`p50 ${ms1(two.p50Ms)}, p99 ${ms1(two.p99Ms)}; the load spread evenly`
						);
					}
				} catch (err) {
					fail('read API throughput', err);
					row(
						'Read API throughput, SQLite',
						'ERROR',
						`≥ ${READ_API_TARGETS.reqPerSec} req/s`,
						'ERROR',
						'see stderr'
					);
				}

				try {
					const a = await measureOverviewAssets(server.base);
					json.assets = a;
					row(
						`JS shipped to overview, gzipped (${a.js.files} files)`,
						kb(a.js.gzipBytes),
						`≤ ${TARGETS.overviewJsGzipBytes / 1000} kB`,
						a.failures.length || a.truncated
							? 'ERROR'
							: verdict(a.js.gzipBytes, TARGETS.overviewJsGzipBytes)
					);
					row(
						'JS shipped to overview, raw',
						kb(a.js.rawBytes),
						'–',
						'info',
						`page nodes ${[0, 1, ...(a.pageNodeIds ?? [])].filter((v, i, l) => l.indexOf(v) === i).join(', ')}; lazy imports included`
					);
					a.js.list
						.slice(0, 5)
						.forEach((f, i) =>
							row(
								`  largest #${i + 1}, gzipped`,
								kb(f.gzip),
								'–',
								'info',
								`${f.path} (${kb(f.raw)} raw)`
							)
						);
					row(
						`CSS for overview, gzipped (${a.css.files} file${a.css.files === 1 ? '' : 's'})`,
						kb(a.css.gzipBytes)
					);
					row('CSS for overview, raw', kb(a.css.rawBytes));
					if (a.skippedOtherRouteNodes.length)
						row(
							"Other routes' page nodes, not counted",
							String(a.skippedOtherRouteNodes.length),
							'–',
							'info',
							'loaded only on navigation'
						);
					if (a.failures.length) {
						row(
							'Assets that failed to load',
							String(a.failures.length),
							'0',
							'ERROR',
							a.failures.map((f) => `${f.url} ${f.status}`).join('; ')
						);
						json.errors.push({ step: 'assets', message: JSON.stringify(a.failures) });
					}
				} catch (err) {
					fail('overview assets', err);
					row(
						'JS shipped to overview, gzipped',
						'ERROR',
						`≤ ${TARGETS.overviewJsGzipBytes / 1000} kB`,
						'ERROR',
						'see stderr'
					);
				}
			}
			// Scenario studio: typing a partner's £ to the restyled scenario map and table, in the browser.
			try {
				const r = await measureStudioUpdate({ baseUrl: server.base });
				json.studioUpdate = r;
				row(
					`Scenario studio update after editing a partner's £, median of ${r.runs}`,
					ms1(r.medianMs),
					`≤ ${STUDIO_UPDATE_TARGET_MS} ms`,
					verdict(r.medianMs, STUDIO_UPDATE_TARGET_MS),
					`p95 ${ms1(r.p95Ms)}, max ${ms1(r.maxMs)}; Debian chromium`
				);
			} catch (err) {
				fail('studio update', err);
				row(
					'Scenario studio update',
					'ERROR',
					`≤ ${STUDIO_UPDATE_TARGET_MS} ms`,
					'ERROR',
					'see stderr'
				);
			}
			// Gap finder: a change of category or subgroup to the restyled map, in the browser.
			try {
				const r = await measureMapUpdate({ baseUrl: server.base });
				json.mapUpdate = r;
				row(
					`Gap map update after a select change, median of ${r.runs}`,
					ms1(r.medianMs),
					'≤ 50 ms',
					verdict(r.medianMs, 50),
					`p95 ${ms1(r.p95Ms)}, max ${ms1(r.maxMs)}; Debian chromium`
				);
			} catch (err) {
				fail('gap map update', err);
				row('Gap map update', 'ERROR', '≤ 50 ms', 'ERROR', 'see stderr');
			}
		}
	} finally {
		if (server) await stopServer(server.child);
		if (seededDir) removeTempDir(seededDir);
		if (snapshot) removeTempDir(snapshot.dir);
	}
	if (json.build?.version && buildVersion(path.join(root, 'build')) !== json.build.version) {
		json.build.changedDuringBench = true;
		log(
			'note: build/ was rebuilt by someone else during the bench; the figures are for the copy taken at the start'
		);
	}

	// ---------------------------------------------------------------------------------------------
	// 7. E2SFCA (travel access). Independent of the servers above; runs in this process.
	try {
		const r = await runE2sfcaBench({ log });
		const worst = Math.max(r.maxRelErrorAccess, r.maxRelErrorRatio);
		json.e2sfca = {
			demandPoints: r.demandPoints,
			sites: r.sites,
			catchmentKm: r.catchmentKm,
			builtCli: r.built,
			coldMs: round(r.coldMs),
			runsMs: r.runsMs.map((t) => round(t)),
			medianMs: round(r.medianMs),
			cpuRunsMs: r.cpuRunsMs.map((t) => round(t)),
			cpuMedianMs: round(r.cpuMedianMs),
			pairCount: r.pairCount,
			naivePairCount: r.naivePairCount,
			naiveMs: round(r.naiveMs),
			maxRelErrorAccess: r.maxRelErrorAccess,
			maxRelErrorRatio: r.maxRelErrorRatio,
			targets: E2SFCA_TARGETS
		};
		row(
			`E2SFCA ${r.demandPoints} × ${r.sites}, d0 ${r.catchmentKm} km, median of ${r.runsMs.length}`,
			ms0(r.medianMs),
			`≤ ${E2SFCA_TARGETS.medianMs} ms`,
			verdict(r.medianMs, E2SFCA_TARGETS.medianMs),
			`one thread; runs: ${r.runsMs.map((t) => Math.round(t)).join(', ')} ms; CPU median ${Math.round(r.cpuMedianMs)} ms`
		);
		row('  E2SFCA first run (cold, untimed warm-up)', ms0(r.coldMs));
		row(
			'  E2SFCA max relative error vs all pairs',
			worst.toExponential(1),
			`≤ ${E2SFCA_TARGETS.maxRelativeError}`,
			r.pairCount === r.naivePairCount ? verdict(worst, E2SFCA_TARGETS.maxRelativeError) : 'ERROR',
			`A_i and R_j; pairs within d0: ${r.pairCount} (all-pairs: ${r.naivePairCount}); all-pairs run ${ms0(r.naiveMs)}`
		);
	} catch (err) {
		fail('E2SFCA', err);
		row('E2SFCA grid', 'ERROR', `≤ ${E2SFCA_TARGETS.medianMs} ms`, 'ERROR', 'see stderr');
	}
	// ---------------------------------------------------------------------------------------------
	// 8. Coverage model: all PDUs × categories × subgroups from in-memory data.
	try {
		const r = await runCoverageBenchInChild();
		json.coverage = r;
		row(
			`Coverage recompute, ${r.pdus} PDUs × 8 categories × ${r.subgroups} subgroups, median of ${r.runs}`,
			ms1(r.medianMs),
			`≤ ${COVERAGE_TARGET_MS} ms`,
			verdict(r.medianMs, COVERAGE_TARGET_MS),
			`${r.rows} rows, ${r.services} services; compute alone ${ms1(r.computeMedianMs)}; p95 ${ms1(r.p95Ms)}`
		);
	} catch (err) {
		fail('coverage', err);
		row('Coverage recompute', 'ERROR', `≤ ${COVERAGE_TARGET_MS} ms`, 'ERROR', 'see stderr');
	}
	// ---------------------------------------------------------------------------------------------
	// Import: a 100,000-row services CSV checked and imported by the CLI, each run in a child process.
	try {
		const r = await runImportBench({ log });
		json.import = r;
		const rss = Math.max(r.dryRun.maxRssMb, r.import.maxRssMb);
		row(
			`Import ${r.rows} services (${(r.bytes / 1e6).toFixed(1)} MB CSV), dry run, median of ${r.runs}`,
			ms0(r.dryRun.medianMs),
			`≤ ${IMPORT_TARGETS.dryRunMs} ms`,
			verdict(r.dryRun.medianMs, IMPORT_TARGETS.dryRunMs),
			`runs: ${r.dryRun.runsMs.join(', ')} ms; CPU median ${Math.round(r.dryRun.cpuMedianMs)} ms`
		);
		row(
			`Import ${r.rows} services into a fresh DB, median of ${r.runs}`,
			ms0(r.import.medianMs),
			`≤ ${IMPORT_TARGETS.importMs} ms`,
			verdict(r.import.medianMs, IMPORT_TARGETS.importMs),
			`runs: ${r.import.runsMs.join(', ')} ms; CPU median ${Math.round(r.import.cpuMedianMs)} ms`
		);
		row(
			'  peak RSS of a dry run or import (max)',
			`${Math.round(rss)} MB`,
			`≤ ${IMPORT_TARGETS.peakRssMb} MB`,
			verdict(rss, IMPORT_TARGETS.peakRssMb),
			'child process maxRSS, Node included'
		);
		row(
			`  re-import with ${r.reimport.changed} services renamed`,
			ms0(r.reimport.medianMs),
			'–',
			'info',
			`peak RSS ${Math.round(r.reimport.maxRssMb)} MB`
		);
	} catch (err) {
		fail('import', err);
		row(
			'Import of 100,000 services',
			'ERROR',
			`≤ ${IMPORT_TARGETS.importMs} ms`,
			'ERROR',
			'see stderr'
		);
	}
	// ---------------------------------------------------------------------------------------------
	// db copy: a planner's SQLite database with 100,000 imported services into new PostgreSQL.
	try {
		const r = await runDbCopyBench({ log });
		json.dbCopy = r;
		if ('skipped' in r) row('db copy, SQLite to PostgreSQL', 'skipped', '–', 'info', r.skipped);
		else
			row(
				`db copy of ${r.services} services (${r.rows} rows), SQLite to PostgreSQL`,
				ms0(r.ms),
				`≤ ${DB_COPY_TARGET_MS} ms`,
				verdict(r.ms, DB_COPY_TARGET_MS),
				`${r.tables} tables, verified; child process wall time, Node start included`
			);
	} catch (err) {
		fail('db copy', err);
		row(
			'db copy, SQLite to PostgreSQL',
			'ERROR',
			`≤ ${DB_COPY_TARGET_MS} ms`,
			'ERROR',
			'see stderr'
		);
	}
	// ---------------------------------------------------------------------------------------------
	// Scenario model: runScenario on the national baseline with three changes (bench/scenario.js).
	try {
		const r = await runScenarioBench({ log });
		json.scenario = r;
		row(
			`runScenario, ${r.pdus} PDUs × 8 categories × ${r.subgroups} subgroups, ${r.changes} changes, median of ${r.runs}`,
			ms1(r.medianMs),
			`≤ ${SCENARIO_TARGET_MS} ms`,
			verdict(r.medianMs, SCENARIO_TARGET_MS),
			`${r.rows} rows, ${r.explanations} explanations, ${r.lots} lots; p95 ${ms1(r.p95Ms)}; same result every run: ${r.deterministic ? 'yes' : 'NO'}`
		);
	} catch (err) {
		fail('scenario', err);
		row('runScenario', 'ERROR', `≤ ${SCENARIO_TARGET_MS} ms`, 'ERROR', 'see stderr');
	}
	// ---------------------------------------------------------------------------------------------
	// Sign-in and the authorisation check (bench/auth.js).
	try {
		const r = await runAuthBench({ log });
		json.auth = r;
		row(
			`Sign-in (scrypt, sessions in the DB), median of ${r.signIn.runs}`,
			ms0(r.signIn.medianMs),
			`≤ ${AUTH_TARGETS.signInMs} ms`,
			verdict(r.signIn.medianMs, AUTH_TARGETS.signInMs),
			`CPU ${ms0(r.signIn.cpuMedianMs)}`
		);
		for (const c of r.checks)
			row(
				`  authorisation check, ${c.label}`,
				`${c.medianMs.toFixed(3)} ms`,
				`≤ ${AUTH_TARGETS.checkMs} ms`,
				verdict(c.medianMs, AUTH_TARGETS.checkMs),
				''
			);
	} catch (err) {
		fail('auth', err);
		row('Sign-in', 'ERROR', `≤ ${AUTH_TARGETS.signInMs} ms`, 'ERROR', 'see stderr');
	}
	// ---------------------------------------------------------------------------------------------

	json.benchMs = Math.round(performance.now() - benchStarted);
	json.loadAvgAfter = os.loadavg().map((v) => round(v, 2));
	printTable(
		`Landscape bench — ${json.date} — Node ${json.node}, ${json.platform}, ${json.cpus} CPU(s), ` +
			`load average ${json.loadAvg[0]} at start, ${json.loadAvgAfter[0]} at end (other work on the machine skews timings)` +
			(json.build?.version
				? `\nBuild ${json.build.version} (build/index.js ${json.build.builtAt})`
				: '') +
			(json.build?.built ? `, built by the bench in ${Math.round(json.build.buildMs)} ms` : '')
	);
	if (json.errors.length)
		console.log(`${json.errors.length} step(s) could not be measured: see stderr.`);
	console.log(`BENCH_JSON ${JSON.stringify(json)}`);
	// Over-target figures still exit 0 (this is a measurement); only a step that could not be measured
	// at all exits 1.
	process.exitCode = json.errors.length ? 1 : 0;
}

function roundTimes(r) {
	const out = { ...r };
	for (const k of ['medianMs', 'p95Ms', 'p99Ms', 'minMs', 'maxMs'])
		if (k in out) out[k] = round(out[k], 2);
	return out;
}

await main();
