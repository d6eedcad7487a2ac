import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { loadBaseline } from '../planning/baseline';
import { engineHarness, postgresAvailable } from '../testing/engines';
import type { Transaction } from 'kysely';
import {
	openPostgres,
	postgresPoolOf,
	versionChangingTransaction,
	versionWatchOf,
	type DB
} from '.';
import type { Database } from './schema';
import { cachedWhileUnchanged, VERSIONS_CHANNEL, type VersionWatch } from './version-watch';

describe('cachedWhileUnchanged', () => {
	const fakeWatch = (epochs: (number | null)[]) => {
		let i = 0;
		return {
			epoch: () => epochs[Math.min(i++, epochs.length - 1)]!,
			close: async () => {},
			changed: () => {}
		};
	};

	it('reads once while the epoch stands still, and again when it moves', async () => {
		let reads = 0;
		let epoch: number | null = 1;
		const watch: VersionWatch = { epoch: () => epoch, close: async () => {}, changed: () => {} };
		const get = cachedWhileUnchanged(
			() => watch,
			async () => ++reads
		);
		expect([await get(), await get(), await get()]).toEqual([1, 1, 1]);
		epoch = 2;
		expect([await get(), await get()]).toEqual([2, 2]);
		// not listening: every call reads
		epoch = null;
		expect([await get(), await get()]).toEqual([3, 4]);
	});

	it('keeps nothing read while the epoch moved, nor without a watch', async () => {
		let reads = 0;
		// the epoch moves between the two looks of each call
		const moving = fakeWatch([1, 2, 2, 3, 3, 4]);
		const get = cachedWhileUnchanged(
			() => moving,
			async () => ++reads
		);
		expect([await get(), await get(), await get()]).toEqual([1, 2, 3]);
		const none = cachedWhileUnchanged(
			() => undefined,
			async () => ++reads
		);
		expect([await none(), await none()]).toEqual([4, 5]);
	});
});

/** Poll `check` until it is true, for at most `ms`. */
async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<boolean> {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		if (await check()) return true;
		await new Promise((r) => setTimeout(r, 25));
	}
	return check();
}

describe.skipIf(!postgresAvailable)('dataset version listener [postgres]', () => {
	const harness = engineHarness('postgres');
	let a: DB;
	let b: DB;
	let url: string;
	let key: string;

	beforeAll(async () => {
		a = await harness.freshDatabase({ seed: true });
		url = postgresPoolOf(a)!.options.connectionString!;
		b = openPostgres(url, { poolSize: 2 });
		key = Object.keys((await loadBaseline(a)).datasetVersions)[0]!;
	}, 180_000);
	afterAll(async () => {
		await b?.destroy();
		await harness.close();
	});

	const currentIn = async (db: DB) => Object.keys((await loadBaseline(db)).datasetVersions);
	/** Make `key` current or not, on `on`'s connection (the other instance's), announced or not. */
	const setCurrent = (current: 0 | 1, announce: boolean, on = b) => {
		const write = (trx: Transaction<Database>) =>
			trx
				.updateTable('dataset_versions')
				.set({ is_current: current })
				.where('dataset_key', '=', key)
				.where('version', '=', 1)
				.execute();
		return announce ? versionChangingTransaction(on, write) : on.transaction().execute(write);
	};
	const listening = () => eventually(() => versionWatchOf(a)!.epoch() !== null);

	it('reuses the current versions until another instance announces a change, then sees it', async () => {
		expect(await listening()).toBe(true);
		expect(await currentIn(a)).toContain(key);
		// a change nobody announces is not seen: the answer is the cached one
		await setCurrent(0, false);
		expect(await currentIn(a)).toContain(key);
		// announced (every import, rollback and seeding is such a transaction): seen once it commits
		await setCurrent(0, true);
		expect(await eventually(async () => !(await currentIn(a)).includes(key))).toBe(true);
		await setCurrent(1, true);
		expect(await eventually(async () => (await currentIn(a)).includes(key))).toBe(true);
	});

	it('sees its own change as soon as the change returns, not when its notification arrives', async () => {
		expect(await listening()).toBe(true);
		// many times over: a notification that came first would hide a missing local update once
		for (let i = 0; i < 20; i++) {
			await setCurrent(0, true, a);
			expect(await currentIn(a)).not.toContain(key);
			await setCurrent(1, true, a);
			expect(await currentIn(a)).toContain(key);
		}
	});

	it('reads every time while its listener is lost, and caches again once it is back', async () => {
		expect(await listening()).toBe(true);
		const admin = new pg.Client({ connectionString: url });
		await admin.connect();
		try {
			const killed = await admin.query(
				`select pg_terminate_backend(pid) from pg_stat_activity
				 where datname = current_database() and query = $1`,
				[`LISTEN ${VERSIONS_CHANNEL}`]
			);
			expect(killed.rowCount).toBe(1);
		} finally {
			await admin.end();
		}
		// unannounced, and still seen: losing the listener dropped the cache
		await setCurrent(0, false);
		expect(await eventually(async () => !(await currentIn(a)).includes(key))).toBe(true);
		// back (it reconnects within a second or so), and caching again
		expect(await listening()).toBe(true);
		await currentIn(a);
		await setCurrent(1, false);
		expect(await currentIn(a)).not.toContain(key);
		await setCurrent(1, true);
		expect(await eventually(async () => (await currentIn(a)).includes(key))).toBe(true);
	});
});
