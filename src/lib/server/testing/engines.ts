import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import {
	migrateToLatest,
	openPostgres,
	openSqlite,
	type DatabaseConfig,
	type DB,
	type Engine
} from '../db';
import { seedDatabase } from '../seed';

/**
 * Run one test suite against both engines: embedded SQLite (in memory) and PostgreSQL (a fresh
 * database on the server LANDSCAPE_TEST_PG_URL names, by default postgres://postgres@127.0.0.1:5432).
 *
 *     describeEachEngine('scenarios', (engine) => {
 *       let db: DB;
 *       beforeEach(async () => { db = await engine.freshDatabase({ seed: true }); });
 *       it('…', async () => { … });
 *     });
 *
 * Each PostgreSQL database is `landscape_test_<pid>_<run>_<n>`, copied (CREATE DATABASE … TEMPLATE)
 * from a template migrated (and, for seeded ones, seeded) once per test file, and dropped when the
 * suite ends; the templates are dropped when the file ends. If the server cannot be reached the
 * PostgreSQL half is skipped with a loud warning saying how to start it; with CI=true it fails.
 */

export interface EngineHarness {
	engine: Engine;
	/** A fresh migrated database, seeded from data/ when asked; closed (and dropped) after the suite. */
	freshDatabase(options?: { seed?: boolean }): Promise<DB>;
	/**
	 * Where a new, empty database is (not migrated): an SQLite file in a temporary folder, or a
	 * PostgreSQL database; for tests of the command-line tool and of app instances that open it
	 * themselves. Removed (dropped) after the suite.
	 */
	emptyDatabase(): Promise<DatabaseConfig>;
}

const ADMIN_URL =
	process.env.LANDSCAPE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RUN = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
let counter = 0;

const postgresProblem = await probePostgres();
if (postgresProblem) {
	const message =
		`\n*** PostgreSQL is not reachable at ${redact(ADMIN_URL)} (${postgresProblem}).\n` +
		'*** The PostgreSQL half of the engine tests is SKIPPED. Start it with `sudo service postgresql start`\n' +
		'*** (or `docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15`), or point\n' +
		'*** LANDSCAPE_TEST_PG_URL at a server where you may create databases.\n';
	if (process.env.CI === 'true')
		throw new Error(
			`${message}CI=true: the PostgreSQL tests must run in CI, so this is a failure.`
		);
	console.warn(message);
}

/** Whether PostgreSQL tests run in this process (false: skipped, with the warning above). */
export const postgresAvailable = postgresProblem === undefined;

/** The engines the suites run on here. */
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

async function probePostgres(): Promise<string | undefined> {
	const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
	try {
		await client.connect();
		await client.query('select 1');
		await dropAbandoned(client);
		return undefined;
	} catch (caught) {
		return caught instanceof Error ? caught.message : String(caught);
	} finally {
		await client.end().catch(() => {});
	}
}

/** Drop test databases left by test processes that died before dropping them. */
async function dropAbandoned(client: pg.Client): Promise<void> {
	const { rows } = await client.query<{ datname: string }>(
		"select datname from pg_database where datname like 'landscape\\_test\\_%' or datname like 'landscape\\_template\\_%'"
	);
	for (const { datname } of rows) {
		const pid = Number(/^landscape_(?:test|template)_(\d+)_/.exec(datname)?.[1]);
		if (!Number.isInteger(pid) || isAlive(pid)) continue;
		await client.query(`drop database if exists ${ident(datname)} with (force)`).catch(() => {});
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (caught) {
		return (caught as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function ident(name: string): string {
	if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a test database name: ${name}`);
	return `"${name}"`;
}

function redact(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return url;
	}
}

function urlOf(database: string): string {
	const u = new URL(ADMIN_URL);
	u.pathname = `/${database}`;
	return u.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: ADMIN_URL });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

/** The file's templates: migrated, and migrated and seeded; made on first use. */
const templates = new Map<'migrated' | 'seeded', Promise<string>>();
let templatesDropRegistered = false;

function template(kind: 'migrated' | 'seeded'): Promise<string> {
	let made = templates.get(kind);
	if (!made) {
		made = (async () => {
			const name = `landscape_template_${RUN}_${kind}`;
			await admin((c) => c.query(`create database ${ident(name)}`));
			const db = openPostgres(urlOf(name), { poolSize: 2 });
			try {
				await migrateToLatest(db);
				if (kind === 'seeded') await seedDatabase(db);
			} finally {
				await db.destroy();
			}
			return name;
		})();
		templates.set(kind, made);
	}
	return made;
}

async function freshPostgres(seed: boolean): Promise<{ db: DB; name: string }> {
	const source = await template(seed ? 'seeded' : 'migrated');
	const name = `landscape_test_${RUN}_${++counter}`;
	await admin((c) => c.query(`create database ${ident(name)} template ${ident(source)}`));
	return { db: openPostgres(urlOf(name), { poolSize: 10 }), name };
}

async function freshSqlite(seed: boolean): Promise<DB> {
	const db = openSqlite(':memory:');
	await migrateToLatest(db);
	if (seed) await seedDatabase(db);
	return db;
}

/** A harness for one engine; `close` closes (and drops) every database it made. */
export function engineHarness(engine: Engine): EngineHarness & { close(): Promise<void> } {
	const opened: { db?: DB; name?: string; folder?: string }[] = [];
	return {
		engine,
		async freshDatabase(options = {}) {
			if (engine === 'sqlite') {
				const db = await freshSqlite(options.seed ?? false);
				opened.push({ db });
				return db;
			}
			const made = await freshPostgres(options.seed ?? false);
			opened.push(made);
			return made.db;
		},
		async emptyDatabase() {
			if (engine === 'sqlite') {
				const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-test-'));
				opened.push({ folder });
				return { engine, file: path.join(folder, 'landscape.db') };
			}
			const name = `landscape_test_${RUN}_${++counter}`;
			await admin((c) => c.query(`create database ${ident(name)}`));
			opened.push({ name });
			return { engine, url: urlOf(name), poolSize: 5 };
		},
		async close() {
			const all = opened.splice(0);
			await Promise.all(all.map(({ db }) => db?.destroy().catch(() => {})));
			for (const { folder } of all) if (folder) fs.rmSync(folder, { recursive: true, force: true });
			// Dropped while the file's next suites run; the file waits for the drops at its end.
			const names = all.flatMap(({ name }) => (name ? [name] : []));
			if (names.length) pendingDrops.push(dropDatabases(names));
		}
	};
}

const pendingDrops: Promise<void>[] = [];

function dropDatabases(names: readonly string[]): Promise<void> {
	return admin(async (c) => {
		for (const n of names) await c.query(`drop database if exists ${ident(n)} with (force)`);
	});
}

/** Drop this file's databases and templates once its suites are done. */
function registerTemplateDrop(): void {
	if (templatesDropRegistered) return;
	templatesDropRegistered = true;
	afterAll(async () => {
		await Promise.allSettled(pendingDrops.splice(0));
		const made = await Promise.allSettled(templates.values());
		templates.clear();
		const names = made.flatMap((m) => (m.status === 'fulfilled' ? [m.value] : []));
		if (names.length) await dropDatabases(names);
	}, TEMPLATE_TIMEOUT_MS);
}

/** Time allowed to make (or drop) a template: a seeded one takes seconds, more on a busy machine. */
const TEMPLATE_TIMEOUT_MS = 180_000;

/**
 * `describe(name)` once per engine, named `name [sqlite]` and `name [postgres]`. The suite body gets
 * the engine's harness; the databases it opens are closed and dropped after the suite. Say
 * `{ seed: true }` when the suite asks for seeded databases, so that the seeded template is made
 * before the suite's own hooks run (under their time limit the first seeding may not fit).
 */
export function describeEachEngine(
	name: string,
	suite: (engine: EngineHarness) => void,
	options: { seed?: boolean } = {}
): void {
	registerTemplateDrop();
	for (const engine of ENGINES) {
		const skip = engine === 'postgres' && !postgresAvailable;
		describe.skipIf(skip)(`${name ? `${name} ` : ''}[${engine}]`, () => {
			const harness = engineHarness(engine);
			if (engine === 'postgres')
				beforeAll(async () => {
					await template(options.seed ? 'seeded' : 'migrated');
				}, TEMPLATE_TIMEOUT_MS);
			afterAll(() => harness.close());
			suite(harness);
		});
	}
}

/** `describeEachEngine` for the whole file: one suite per engine holding every test. */
export const forEachEngine = (
	suite: (engine: EngineHarness) => void,
	options: { seed?: boolean } = {}
) => describeEachEngine('', suite, options);
