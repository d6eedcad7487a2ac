// Bench of people and trust (`npm run bench`, section "Auth"; or `node scripts/bench/auth.js`):
//   1. sign-in as the sign-in page does it (rate-limit check, scrypt verify at the shipped cost,
//      session insert, audit entries), median of 10 after 1 warm-up;            target ≤ 300 ms
//   2. the authorisation check every request pays in shared mode (session lookup by its SHA-256,
//      then the policy, loading the scenario for object-level rules), median of 2,000 after 200
//      warm-ups, for three kinds of request;                                        target ≤ 1 ms
// On a fresh in-memory database (one region, two accounts, one scenario), from the CLI bundle
// (build-cli/, built if missing or stale). Wall and CPU time are both reported: other work on the
// machine inflates wall time, not CPU time.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { median, percentile } from './stats.js';

export const AUTH_TARGETS = { signInMs: 300, checkMs: 1 };

/** @param {() => Promise<unknown>} fn @returns {Promise<{ ms: number, cpuMs: number }>} */
async function timed(fn) {
	const cpu = process.cpuUsage();
	const started = performance.now();
	await fn();
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * @param {{ signIns?: number, checks?: number, log?: (...args: unknown[]) => void }} [options]
 */
export async function runAuthBench({ signIns = 10, checks = 2000, log = () => {} } = {}) {
	const { CLI_BUNDLE, ensureCliBuild } = await import('../landscape.js');
	const built = ensureCliBuild();
	const { auth, freshDatabase } = await import(pathToFileURL(CLI_BUNDLE).href);
	const { db } = await freshDatabase();
	try {
		// Illustrative accounts and scenario, in the real North East region code.
		await db
			.insertInto('regions')
			.values({
				code: 'N54',
				rm_code: 'A',
				name: 'North East',
				delius_name: 'North East Region',
				population_2021: 0,
				valid_from: null,
				valid_to: null
			})
			.execute();
		const password = 'bench password 1';
		const by = { actor: 'bench' };
		await auth.createAccount(
			db,
			{
				email: 'admin@example.org',
				role: 'admin',
				regions: [],
				password,
				mustChangePassword: false
			},
			by
		);
		await auth.createAccount(
			db,
			{
				email: 'commissioner@example.org',
				role: 'commissioner',
				regions: ['N54'],
				password,
				mustChangePassword: false
			},
			by
		);
		const now = new Date().toISOString();
		await db
			.insertInto('scenarios')
			.values({
				id: 'benchscenario',
				owner: 'commissioner@example.org',
				created_at: now,
				current_version: 1,
				visibility: 'shared',
				region_code: 'N54'
			})
			.execute();
		await db
			.insertInto('scenario_versions')
			.values({
				scenario_id: 'benchscenario',
				version: 1,
				name: 'Bench',
				description: '',
				body: JSON.stringify({ changes: [{ type: 'co-commission', partners: [] }] }),
				dataset_versions: '{}',
				saved_at: now,
				saved_by: 'commissioner@example.org',
				note: null
			})
			.execute();

		// 1. Sign-in
		/** @type {{ ms: number, cpuMs: number }[]} */
		const signInRuns = [];
		/** @type {string | undefined} */
		let token;
		for (let i = 0; i <= signIns; i++) {
			const run = await timed(async () => {
				const result = await auth.signIn(db, {
					email: 'commissioner@example.org',
					password,
					ip: '192.0.2.1',
					requestId: `bench-${i}`
				});
				if (!result.ok) throw new Error(`sign-in failed: ${result.message}`);
				token = result.session.token;
			});
			if (i > 0) signInRuns.push(run);
		}
		log(`auth: sign-in median ${median(signInRuns.map((r) => r.ms))?.toFixed(1)} ms`);

		// 2. The per-request check, as src/lib/server/auth/guard.ts makes it.
		/** @param {string} routeId @param {string} method @param {string} pathname @param {Record<string, string>} params */
		const request = (routeId, method, pathname, params) => async () => {
			const session = await auth.validateSession(db, token);
			if (!session) throw new Error('the bench session ended');
			/** @type {Map<string, unknown>} */
			const loaded = new Map();
			const { decision } = await auth.authorise({
				user: session.user,
				routeId,
				method,
				url: new URL(`http://landscape.test${pathname}`),
				params,
				facts: {
					/** @param {string} id */
					async scenario(id) {
						if (!loaded.has(id)) loaded.set(id, await auth.loadScenarioAccessFacts(db, id));
						return loaded.get(id);
					},
					formField: async () => null
				}
			});
			if (decision !== 'allow') throw new Error(`${method} ${pathname} was refused`);
		};
		const kinds = [
			{ label: 'GET /gaps (role rule)', fn: request('/gaps', 'GET', '/gaps', {}) },
			{
				label: 'GET /scenarios/[id] (loads the scenario)',
				fn: request('/scenarios/[id]', 'GET', '/scenarios/benchscenario', { id: 'benchscenario' })
			},
			{
				label: 'PUT /api/v1/scenarios/[id] (edit rule)',
				fn: request('/api/v1/scenarios/[id]', 'PUT', '/api/v1/scenarios/benchscenario', {
					id: 'benchscenario'
				})
			}
		];
		const checkResults = [];
		for (const kind of kinds) {
			for (let i = 0; i < 200; i++) await kind.fn();
			/** @type {number[]} */
			const times = [];
			for (let i = 0; i < checks; i++) times.push((await timed(kind.fn)).ms);
			checkResults.push({
				label: kind.label,
				runs: times.length,
				medianMs: median(times),
				p95Ms: percentile(times, 95)
			});
			log(`auth: ${kind.label} median ${median(times)?.toFixed(3)} ms`);
		}
		return {
			builtCli: built,
			scryptCost: auth.SCRYPT_COST,
			signIn: {
				runs: signInRuns.length,
				medianMs: median(signInRuns.map((r) => r.ms)),
				maxMs: Math.max(...signInRuns.map((r) => r.ms)),
				cpuMedianMs: median(signInRuns.map((r) => r.cpuMs))
			},
			checks: checkResults,
			worstCheckMedianMs: Math.max(...checkResults.map((c) => c.medianMs ?? Infinity))
		};
	} finally {
		await db.destroy();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const r = await runAuthBench({ log: (...a) => console.error('bench:', ...a) });
	const cost = `scrypt N=${r.scryptCost.N}, r=${r.scryptCost.r}, p=${r.scryptCost.p}`;
	console.log(
		`sign-in: median ${r.signIn.medianMs?.toFixed(1)} ms of ${r.signIn.runs} (max ${r.signIn.maxMs.toFixed(1)} ms, CPU median ${r.signIn.cpuMedianMs?.toFixed(1)} ms; ${cost}); target ≤ ${AUTH_TARGETS.signInMs} ms`
	);
	for (const c of r.checks)
		console.log(
			`authorisation check, ${c.label}: median ${c.medianMs?.toFixed(3)} ms, p95 ${c.p95Ms?.toFixed(3)} ms (${c.runs} requests); target ≤ ${AUTH_TARGETS.checkMs} ms`
		);
}
