// Read API throughput bench (`npm run bench`, section "Read API"; or `node scripts/bench/read-api.js`
// alone): GET /api/v1/gaps for one region and category, from a fixed number of concurrent
// keep-alive connections for a bounded time, against one or more app instances on loopback.
// Reports requests per second and latency percentiles. Issue 8's target: ≥ 1,000 req/s with p99 ≤ 50
// ms on one instance. The load generator runs in this process, on the same machine as the servers,
// so it takes some of the CPU the servers could use: the figures are a floor.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createPostgresDatabase, postgresProblem } from './postgres.js';
import { percentile } from './stats.js';

export const READ_API = {
	path: '/api/v1/gaps?region=N54&category=Accommodation',
	connections: 16,
	warmupMs: 1500,
	durationMs: 5000,
	/** a hard cap on requests, so a runaway server cannot keep the bench going */
	maxRequests: 200_000,
	requestTimeoutMs: 10_000
};
export const READ_API_TARGETS = { reqPerSec: 1000, p99Ms: 50 };

/**
 * One GET over `agent`, body read and discarded; resolves with the status and the milliseconds from
 * issuing the request to the end of the body.
 * @param {http.Agent} agent @param {URL} url @param {number} timeoutMs
 * @returns {Promise<{ status: number, ms: number, bytes: number }>}
 */
function request(agent, url, timeoutMs) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const req = http.request(
			{ host: url.hostname, port: url.port, path: url.pathname + url.search, agent },
			(res) => {
				let bytes = 0;
				res.on('data', (chunk) => (bytes += chunk.length));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, bytes })
				);
				res.on('error', reject);
			}
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${url} timed out`)));
		req.on('error', reject);
		req.end();
	});
}

/**
 * Load `bases` (each `http://127.0.0.1:port`) with `connections` concurrent loops, each sending its
 * next request when the last one ends, spread evenly over the instances. Requests finishing in the
 * first `warmupMs` are not counted; counting stops after `durationMs` more.
 * @param {string[]} bases
 * @param {Partial<typeof READ_API>} [options]
 */
export async function loadTest(bases, options = {}) {
	const o = { ...READ_API, ...options };
	for (const base of bases)
		if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base))
			throw new Error(`the read API bench only talks to http://127.0.0.1:PORT, not ${base}`);
	const agents = bases.map(
		() => new http.Agent({ keepAlive: true, maxSockets: Math.ceil(o.connections / bases.length) })
	);
	const urls = bases.map((b) => new URL(o.path, b));
	/** @type {number[]} */
	const times = [];
	/** @type {Record<string, number>} */
	const statuses = {};
	let errors = 0;
	let sent = 0;
	let bytes = 0;
	const start = performance.now();
	const countFrom = start + o.warmupMs;
	const stopAt = countFrom + o.durationMs;
	const loop = async (/** @type {number} */ i) => {
		const at = i % bases.length;
		while (performance.now() < stopAt && sent < o.maxRequests) {
			sent++;
			try {
				const r = await request(agents[at], urls[at], o.requestTimeoutMs);
				const done = performance.now();
				if (done >= countFrom && done < stopAt) {
					times.push(r.ms);
					statuses[r.status] = (statuses[r.status] ?? 0) + 1;
					bytes = r.bytes;
				}
			} catch {
				errors++;
			}
		}
	};
	try {
		await Promise.all(Array.from({ length: o.connections }, (_, i) => loop(i)));
	} finally {
		for (const agent of agents) agent.destroy();
	}
	const countedMs = Math.min(performance.now(), stopAt) - countFrom;
	const ok = statuses[200] ?? 0;
	return {
		instances: bases.length,
		path: o.path,
		connections: o.connections,
		seconds: countedMs / 1000,
		requests: times.length,
		reqPerSec: ok / (countedMs / 1000),
		p50Ms: percentile(times, 50),
		p99Ms: percentile(times, 99),
		maxMs: times.length ? Math.max(...times) : null,
		non200: times.length - ok,
		errors,
		bodyBytes: bytes,
		statuses
	};
}

/** "1,234 req/s, p50 3.1 ms, p99 12.0 ms" */
export function describeLoad(/** @type {Awaited<ReturnType<typeof loadTest>>} */ r) {
	const ms = (/** @type {number | null} */ v) => (v === null ? '–' : `${v.toFixed(1)} ms`);
	return (
		`${Math.round(r.reqPerSec).toLocaleString('en-GB')} req/s, p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}` +
		` (${r.requests} requests in ${r.seconds.toFixed(1)} s over ${r.connections} connections to ${r.instances} instance${r.instances === 1 ? '' : 's'}` +
		`${r.non200 ? `; ${r.non200} not 200` : ''}${r.errors ? `; ${r.errors} errors` : ''})`
	);
}

/**
 * Start app instances from `script` (scripts/start.js or a snapshot's copy) with `env`, on ports of
 * their own, and wait until each answers /readyz with 200. The first one seeds a new SQLite database.
 * @param {{ cwd: string, script: string, db: string, count?: number, env?: Record<string, string | undefined> }} o
 */
export async function startInstances({ cwd, script, db, count = 1, env = {} }) {
	const { spawnServer, isAlive, logTail } = await import('./proc.js');
	const { freePort, get, sleep } = await import('./http.js');
	const started = [];
	for (let i = 0; i < count; i++) {
		const port = await freePort();
		const base = `http://127.0.0.1:${port}`;
		const child = spawnServer({ cwd, script, port, db, env });
		started.push({ child, base });
		const deadline = performance.now() + 120_000;
		for (;;) {
			if (!isAlive(child)) throw new Error(`an instance exited early:\n${logTail(child)}`);
			if (performance.now() > deadline)
				throw new Error(`an instance was not ready in 120 s:\n${logTail(child)}`);
			const ready = await get(`${base}/readyz`, { timeoutMs: 5000 }).catch(() => null);
			if (ready?.status === 200) break;
			await sleep(50);
		}
	}
	return started;
}

/**
 * Run `fn` with the URL of a new, empty PostgreSQL database, dropped afterwards (whatever happens).
 * Resolves with `{ skipped }` saying why when PostgreSQL cannot be reached.
 * @template T
 * @param {string} name
 * @param {(url: string) => Promise<T>} fn
 * @returns {Promise<{ result: T } | { skipped: string }>}
 */
export async function withPostgresDatabase(name, fn) {
	const problem = await postgresProblem();
	if (problem) return { skipped: problem };
	const database = await createPostgresDatabase(name);
	try {
		return { result: await fn(database.url) };
	} finally {
		await database.drop().catch(() => {});
	}
}

/**
 * The read API on PostgreSQL: one instance, then two sharing the database (the load spread evenly).
 * @param {{ cwd: string, script: string, dir: string, log?: (...args: unknown[]) => void }} o
 */
export async function runPostgresReadApi({ cwd, script, dir, log = () => {} }) {
	const { stopServer } = await import('./proc.js');
	const path = await import('node:path');
	return withPostgresDatabase(`landscape_bench_${process.pid}`, async (url) => {
		const db = path.join(dir, 'unused-by-postgres.db');
		log('read API: starting an instance on a new PostgreSQL database (it seeds it)…');
		const instances = await startInstances({ cwd, script, db, env: { DATABASE_URL: url } });
		try {
			const oneInstance = await loadTest([instances[0].base]);
			log(`read API, PostgreSQL, 1 instance: ${describeLoad(oneInstance)}`);
			instances.push(...(await startInstances({ cwd, script, db, env: { DATABASE_URL: url } })));
			const twoInstances = await loadTest(instances.map((i) => i.base));
			log(`read API, PostgreSQL, 2 instances: ${describeLoad(twoInstances)}`);
			return { oneInstance, twoInstances };
		} finally {
			for (const i of instances) await stopServer(i.child);
		}
	});
}

// `node scripts/bench/read-api.js`: this section alone, on one SQLite instance from build/.
if (
	process.argv[1] &&
	import.meta.filename === (await import('node:path')).resolve(process.argv[1])
) {
	const path = await import('node:path');
	const { makeTempDir, removeTempDir, stopServer, installCleanupHandlers } =
		await import('./proc.js');
	installCleanupHandlers();
	const root = path.resolve(import.meta.dirname, '../..');
	const dir = makeTempDir('landscape-read-api-');
	try {
		const [one] = await startInstances({
			cwd: root,
			script: path.join(root, 'scripts', 'start.js'),
			db: path.join(dir, 'landscape.db'),
			env: { DATABASE_URL: undefined }
		});
		try {
			const r = await loadTest([one.base]);
			console.log(`Read API ${READ_API.path}, SQLite, 1 instance: ${describeLoad(r)}`);
			console.log(`BENCH_READ_API_JSON ${JSON.stringify(r)}`);
		} finally {
			await stopServer(one.child);
		}
		const pg = await runPostgresReadApi({
			cwd: root,
			script: path.join(root, 'scripts', 'start.js'),
			dir,
			log: (...args) => console.error('bench:', ...args)
		});
		if ('skipped' in pg) console.log(`Read API on PostgreSQL: skipped: ${pg.skipped}`);
		else {
			console.log(
				`Read API ${READ_API.path}, PostgreSQL, 1 instance: ${describeLoad(pg.result.oneInstance)}`
			);
			console.log(
				`Read API ${READ_API.path}, PostgreSQL, 2 instances: ${describeLoad(pg.result.twoInstances)}`
			);
		}
	} finally {
		removeTempDir(dir);
	}
}
