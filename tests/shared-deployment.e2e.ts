// A shared deployment (issue 8): two app instances, as `npm start` runs them, on one PostgreSQL
// database made for this file (and dropped after it). No browser: the instances' HTTP API, as a load
// balancer would pass requests to them. PostgreSQL not reachable: skipped, saying so loudly; with
// CI=true, a failure.
import crypto from 'node:crypto';
import { expect, test } from '@playwright/test';
import { generateServicesCsv } from '../scripts/bench/services-csv.js';
import {
	buildSnapshot,
	createPostgresDatabase,
	postgresProblem,
	queryPostgres,
	startInstance,
	stopInstance,
	type Instance
} from './helpers/instances';

test.describe.configure({ mode: 'serial' });

const problem = await postgresProblem();
if (problem) {
	const message = `${problem}: the shared-deployment tests are SKIPPED. Start it with \`sudo service postgresql start\`, or set LANDSCAPE_TEST_PG_URL.`;
	if (process.env.CI === 'true') throw new Error(`${message} CI=true: that is a failure.`);
	console.warn(`\n*** ${message}\n`);
}
test.skip(!!problem, 'PostgreSQL is not reachable');

let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
let snapshot: Awaited<ReturnType<typeof buildSnapshot>> | undefined;
let a: Instance | undefined;
let b: Instance | undefined;

test.beforeAll(async () => {
	test.setTimeout(300_000);
	database = await createPostgresDatabase(`landscape_e2e_${process.pid}`);
	snapshot = await buildSnapshot();
	const env = { DATABASE_URL: database.url, LANDSCAPE_DB_POOL: '5' };
	// The first seeds the new database; the second finds it seeded.
	a = await startInstance(snapshot.script, env);
	b = await startInstance(snapshot.script, env);
});

test.afterAll(async () => {
	await stopInstance(a);
	await stopInstance(b);
	snapshot?.remove();
	await database?.drop();
});

const json = (body: unknown) => ({
	method: 'POST',
	headers: { 'content-type': 'application/json' },
	body: JSON.stringify(body)
});

test('both instances serve the same seeded data', async () => {
	for (const instance of [a!, b!]) {
		const regions = await (await fetch(`${instance.base}/api/v1/regions`)).json();
		expect(regions.regions ?? regions).toHaveLength(12);
	}
});

test('50 saves of one version at once, across two instances: exactly one is saved, 49 are told 409, none is lost', async () => {
	const created = await fetch(
		`${a!.base}/api/v1/scenarios`,
		json({ name: 'Illustrative shared plan', description: '', changes: [], assumptions: {} })
	);
	expect(created.status).toBe(201);
	const { id, currentVersion } = await created.json();
	expect(currentVersion).toBe(1);

	const saves = await Promise.all(
		Array.from({ length: 50 }, (_, i) =>
			fetch(`${(i % 2 ? b! : a!).base}/api/v1/scenarios/${id}`, {
				...json({
					name: `Save ${i}`,
					description: '',
					changes: [],
					assumptions: {},
					baseVersion: 1
				}),
				method: 'PUT'
			}).then(async (r) => ({ i, status: r.status, body: await r.json() }))
		)
	);
	const statuses = saves.map((s) => s.status);
	expect(statuses.filter((s) => s === 200)).toHaveLength(1);
	expect(statuses.filter((s) => s === 409)).toHaveLength(49);
	const winner = saves.find((s) => s.status === 200)!;
	// Every refusal names the version that was saved, so whoever made it can reload or save a copy.
	for (const refused of saves.filter((s) => s.status === 409))
		expect(JSON.stringify(refused.body)).toContain('version 2');

	// Both instances see the one save, as version 2, with nothing else written.
	for (const instance of [a!, b!]) {
		const scenario = await (await fetch(`${instance.base}/api/v1/scenarios/${id}`)).json();
		expect(scenario).toMatchObject({ currentVersion: 2, name: `Save ${winner.i}` });
		expect(scenario.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
	}
});

/** Import `csv` through an instance's Import data endpoint, reading its progress as it streams. */
async function startImport(instance: Instance, csv: string, datasetName: string, fileName: string) {
	const bytes = new TextEncoder().encode(csv);
	const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
	const query = new URLSearchParams({
		kind: 'services',
		dataset: datasetName,
		file: fileName,
		mode: 'import',
		sha256
	});
	const response = await fetch(`${instance.base}/import/run?${query}`, {
		method: 'POST',
		headers: { 'content-type': 'text/csv', origin: instance.base },
		body: bytes
	});
	expect(response.status).toBe(200);
	const reader = response.body!.getReader();
	const decoder = new TextDecoder();
	let pending = '';
	/** The next message the import sends (null once it has finished). */
	return async function next(): Promise<Record<string, unknown> | null> {
		for (;;) {
			const newline = pending.indexOf('\n');
			if (newline >= 0) {
				const line = pending.slice(0, newline);
				pending = pending.slice(newline + 1);
				if (line.trim()) return JSON.parse(line);
				continue;
			}
			const { done, value } = await reader.read();
			if (done) return null;
			pending += decoder.decode(value, { stream: true });
		}
	};
}

/** Read an import's messages to its end; the last one. */
async function finish(next: Awaited<ReturnType<typeof startImport>>) {
	let last: Record<string, unknown> | null = null;
	for (let message = await next(); message; message = await next()) last = message;
	return last;
}

test('two imports into one dataset at once, one through each instance, write one after the other', async () => {
	test.setTimeout(120_000);
	const datasetName = 'Local services';
	const [first, second] = await Promise.all([
		startImport(
			a!,
			generateServicesCsv({ rows: 3000, prefix: 'VIAA', seed: 11 }),
			datasetName,
			'via-a.csv'
		),
		startImport(
			b!,
			generateServicesCsv({ rows: 2000, prefix: 'VIAB', seed: 12 }),
			datasetName,
			'via-b.csv'
		)
	]);
	const [endA, endB] = await Promise.all([finish(first), finish(second)]);
	expect(endA).toMatchObject({ type: 'imported' });
	expect(endB).toMatchObject({ type: 'imported' });
	const versions = await queryPostgres<{
		version: number;
		file_name: string;
		is_current: number;
		prefixes: string;
		services: string;
	}>(
		database!.url,
		`select v.version, v.file_name, v.is_current,
			(select string_agg(distinct split_part(s.reference, '-', 1), ',') from services s where s.dataset_version_id = v.id) as prefixes,
			(select count(*) from services s where s.dataset_version_id = v.id) as services
		 from dataset_versions v where v.dataset_key = 'services-local-services' order by v.version`
	);
	// Two whole versions, each one file's rows and nothing of the other's; the later one current.
	expect(versions.map((v) => v.version)).toEqual([1, 2]);
	for (const v of versions)
		expect([v.prefixes, Number(v.services)]).toEqual(
			v.file_name === 'via-a.csv' ? ['VIAA', 3000] : ['VIAB', 2000]
		);
	expect(versions.map((v) => v.is_current)).toEqual([0, 1]);
});

test('killing an instance mid-import leaves the previous version, and the other instance keeps serving', async () => {
	test.setTimeout(180_000);
	const datasetName = 'Partner services';
	const small = await startImport(
		a!,
		generateServicesCsv({ rows: 40, prefix: 'FIRST' }),
		datasetName,
		'first.csv'
	);
	let message;
	while ((message = await small()) && message.type === 'progress');
	expect(message).toMatchObject({ type: 'imported' });

	const versionsOf = () =>
		queryPostgres<{ version: number; is_current: number; services: string }>(
			database!.url,
			`select v.version, v.is_current, (select count(*) from services s where s.dataset_version_id = v.id) as services
			 from dataset_versions v where v.dataset_key = $1 order by v.version`,
			['services-partner-services']
		);
	const before = await versionsOf();
	expect(before.map((v) => [v.version, v.is_current, Number(v.services)])).toEqual([[1, 1, 40]]);

	// A big file, through instance A: once it is writing, A is killed.
	const big = await startImport(
		a!,
		generateServicesCsv({ rows: 30_000, prefix: 'SECOND' }),
		datasetName,
		'second.csv'
	);
	let writing = false;
	while ((message = await big())) {
		if (
			message.type === 'progress' &&
			message.phase === 'writing' &&
			Number(message.rowsDone) > 0
		) {
			writing = true;
			break;
		}
		expect(message.type).toBe('progress');
	}
	expect(writing).toBe(true);
	a!.child.kill('SIGKILL');
	await new Promise((r) => a!.child.once('exit', r));

	// The database holds version 1 only, still current, with its rows; nothing of the killed import.
	await expect
		.poll(
			async () => (await versionsOf()).map((v) => [v.version, v.is_current, Number(v.services)]),
			{
				timeout: 20_000
			}
		)
		.toEqual([[1, 1, 40]]);
	const orphans = await queryPostgres<{ n: string }>(
		database!.url,
		`select count(*) as n from services where reference like 'SECOND-%'`
	);
	expect(Number(orphans[0]!.n)).toBe(0);

	// Instance B never noticed: it serves the gap finder's API and can import the file itself.
	const gaps = await fetch(`${b!.base}/api/v1/gaps?region=N54&category=Accommodation`);
	expect(gaps.status).toBe(200);
	const history = await (
		await fetch(`${b!.base}/api/v1/datasets/services-partner-services/versions`)
	).json();
	expect(JSON.stringify(history)).toContain('first.csv');
	expect(JSON.stringify(history)).not.toContain('second.csv');
});
