import { sql } from 'kysely';
import type { DB } from './db';
import { migrations } from './db/migrations';

export interface Readiness {
	ready: boolean;
	database: 'reachable' | 'unreachable';
	/** migrations this build has that the database has not run */
	pendingMigrations: string[];
	detail?: string;
}

/** A load balancer's health check gives up after a few seconds: answer before it does. */
export const READINESS_TIMEOUT_MS = 2000;

/** `promise`, or a rejection saying it took longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
	});
	return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Whether this instance can serve: the database answers (within `timeoutMs`) and has run every
 * migration this build knows. A load balancer sends traffic only to ready instances.
 */
export async function checkReadiness(
	db: DB | undefined,
	timeoutMs = READINESS_TIMEOUT_MS
): Promise<Readiness> {
	if (!db)
		return {
			ready: false,
			database: 'unreachable',
			pendingMigrations: [],
			detail: 'the database is not open yet'
		};
	try {
		await within(sql`select 1`.execute(db), timeoutMs);
	} catch (caught) {
		return {
			ready: false,
			database: 'unreachable',
			pendingMigrations: [],
			detail: caught instanceof Error ? caught.message : String(caught)
		};
	}
	// No migration table yet: nothing has run.
	const executed = await db
		.selectFrom('kysely_migration' as never)
		.select('name' as never)
		.execute()
		.catch(() => []);
	const run = new Set(executed.map((r) => (r as { name: string }).name));
	const pendingMigrations = Object.keys(migrations).filter((m) => !run.has(m));
	return { ready: pendingMigrations.length === 0, database: 'reachable', pendingMigrations };
}
