import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { engineOf } from './engine';
import type { Database } from './schema';

/**
 * Which dataset versions are current, without asking PostgreSQL on every request. Every
 * transaction that changes them (imports, rollbacks, seeding) calls `announceVersionChange`, which
 * NOTIFYs this channel; PostgreSQL delivers it to every instance's listener when the transaction
 * commits, and not at all if it rolls back. Each instance holds one extra connection that LISTENs,
 * and counts what it hears in an epoch: a cached answer is good while the epoch has not moved.
 *
 * While the listener is not connected (not yet, or lost: a server restart, a failover), `epoch()`
 * is null and callers read the database every time, as they would without the watch, until it
 * has reconnected. Changes go through `versionChangingTransaction` (db/index.ts), which also moves
 * this process's own epoch as soon as the transaction ends, so the instance that made a change
 * never waits for its own notification. Other instances see it once the notification arrives, a
 * millisecond or so after the commit on one network.
 *
 * SQLite needs none of this: it is read in-process, and the read is cheap.
 */
export const VERSIONS_CHANNEL = 'landscape_dataset_versions';

/**
 * Say, inside the transaction that changes which dataset versions are current, that it does (for
 * versionChangingTransaction).
 */
export async function announceVersionChange(trx: Kysely<Database>): Promise<void> {
	if (engineOf(trx) !== 'postgres') return;
	await sql`select pg_notify(${VERSIONS_CHANNEL}, '')`.execute(trx);
}

export interface VersionWatch {
	/** moves whenever the current versions may have changed; null while not listening */
	epoch(): number | null;
	/** move the epoch now: this process has just changed them */
	changed(): void;
	/** stop listening and close the connection */
	close(): Promise<void>;
}

const RECONNECT_MS = 1000;

/**
 * Listen for version changes on the database at `url`. Connects on the first `epoch()` call; the
 * connection never keeps the process alive, so a command-line run still exits when it is done.
 */
export function watchVersions(url: string): VersionWatch {
	let epoch = 0;
	let client: pg.Client | undefined;
	let listening = false;
	let connecting = false;
	let closed = false;
	let retry: NodeJS.Timeout | undefined;

	function lost(which: pg.Client, why: string) {
		if (which !== client) return;
		client = undefined;
		listening = false;
		epoch++;
		which.end().catch(() => undefined);
		if (closed) return;
		console.error(`Landscape: dataset version listener lost (${why}); reading versions each time`);
		retry = setTimeout(connect, RECONNECT_MS);
		retry.unref();
	}

	async function connect() {
		if (closed || connecting || client) return;
		connecting = true;
		const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
		client = c;
		c.on('notification', () => epoch++);
		c.on('error', (err) => lost(c, err.message));
		c.on('end', () => lost(c, 'connection ended'));
		try {
			await c.connect();
			unrefSocket(c);
			await c.query(`LISTEN ${VERSIONS_CHANNEL}`);
			if (client === c) {
				// anything cached before now may have missed a change
				epoch++;
				listening = true;
			}
		} catch (caught) {
			lost(c, caught instanceof Error ? caught.message : String(caught));
		} finally {
			connecting = false;
		}
	}

	const watch: VersionWatch = {
		epoch() {
			if (!listening) {
				void connect();
				return null;
			}
			return epoch;
		},
		changed() {
			epoch++;
		},
		async close() {
			closed = true;
			clearTimeout(retry);
			const c = client;
			client = undefined;
			listening = false;
			await c?.end().catch(() => undefined);
		}
	};
	return watch;
}

/** pg gives no option for it: the listener's socket must not hold a finished process open. */
function unrefSocket(c: pg.Client) {
	const stream = (c as unknown as { connection?: { stream?: { unref?: () => void } } }).connection
		?.stream;
	stream?.unref?.();
}

/**
 * A value read from the database that stays good while `watch`'s epoch does not move: `read()` is
 * called when there is no watch, while it is not listening, and after every change.
 */
export function cachedWhileUnchanged<T>(
	watch: () => VersionWatch | undefined,
	read: () => Promise<T>
): () => Promise<T> {
	let cached: { epoch: number; value: T } | undefined;
	return async () => {
		const w = watch();
		const before = w?.epoch() ?? null;
		if (before !== null && cached?.epoch === before) return cached.value;
		const value = await read();
		// kept only if nothing moved while it was read
		if (before !== null && w?.epoch() === before) cached = { epoch: before, value };
		return value;
	};
}
