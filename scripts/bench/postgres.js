// A PostgreSQL database of its own for the bench and the shared-deployment tests: made new on the
// server the engine tests use (src/lib/server/testing/engines.ts), and dropped afterwards. Typed with
// JSDoc, because the tests import it.
import pg from 'pg';

/** The server's admin URL: LANDSCAPE_TEST_PG_URL, as for the engine tests. */
export const POSTGRES_ADMIN_URL =
	process.env.LANDSCAPE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Run `run` with a client connected to the admin database, closed afterwards.
 * @template T
 * @param {(client: pg.Client) => Promise<T>} run
 * @returns {Promise<T>}
 */
async function admin(run) {
	const client = new pg.Client({
		connectionString: POSTGRES_ADMIN_URL,
		connectionTimeoutMillis: 3000
	});
	await client.connect();
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

/**
 * Why PostgreSQL cannot be used, or undefined when it can.
 * @returns {Promise<string | undefined>}
 */
export async function postgresProblem() {
	try {
		await admin((c) => c.query('select 1'));
		return undefined;
	} catch (caught) {
		return `PostgreSQL at ${POSTGRES_ADMIN_URL} is not reachable (${caught instanceof Error ? caught.message : String(caught)})`;
	}
}

/**
 * A new, empty database named `name` (one left by an earlier run is dropped first): its URL, and
 * `drop` to remove it.
 * @param {string} name
 * @returns {Promise<{ url: string, drop(): Promise<void> }>}
 */
export async function createPostgresDatabase(name) {
	if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a safe database name: ${name}`);
	await admin(async (c) => {
		await c.query(`drop database if exists ${name} with (force)`);
		await c.query(`create database ${name}`);
	});
	const url = new URL(POSTGRES_ADMIN_URL);
	url.pathname = `/${name}`;
	return {
		url: url.href,
		drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {})
	};
}
