import type { DB } from '../db';

/**
 * Sign-in rate limits, kept in the database so every instance sharing it counts the same attempts.
 * Five failures for one email within 15 minutes lock that email for 15 minutes from the fifth;
 * thirty failures from one address within 15 minutes lock that address likewise. Attempts refused
 * while locked are not counted, so a lock always ends on time. A success clears the email's count
 * (not the address's: one good account must not reset an address trying many).
 */
export const LOGIN_LIMITS = {
	email: { failures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
	ip: { failures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }
} as const;

/** Attempts are kept a day, long enough for any window and lock. */
const KEEP_MS = 24 * 60 * 60_000;

export type Lockout = { locked: false } | { locked: true; until: Date; by: 'email' | 'ip' };

/** When failures at `times` (ascending ms) lock, the latest time the lock lasts until; else 0. */
export function lockedUntil(
	times: readonly number[],
	limit: { failures: number; windowMs: number; lockMs: number }
): number {
	let until = 0;
	for (let i = limit.failures - 1; i < times.length; i++)
		if (times[i]! - times[i - limit.failures + 1]! <= limit.windowMs)
			until = Math.max(until, times[i]! + limit.lockMs);
	return until;
}

/** Failure times (ascending ms) since `since`; for an email, only those after its last success. */
async function failuresSince(db: DB, column: 'email' | 'ip', value: string, since: Date) {
	const rows = await db
		.selectFrom('login_attempts')
		.select(['at', 'succeeded'])
		.where(column, '=', value)
		.where('at', '>', since.toISOString())
		.orderBy('at')
		.orderBy('id')
		.execute();
	const lastSuccess = column === 'email' ? rows.findLastIndex((r) => r.succeeded === 1) : -1;
	return rows
		.slice(lastSuccess + 1)
		.filter((r) => r.succeeded === 0)
		.map((r) => Date.parse(r.at));
}

/** Whether sign-in for `email` from `ip` is locked now, and until when. */
export async function loginLockout(
	db: DB,
	email: string,
	ip: string,
	now = new Date()
): Promise<Lockout> {
	for (const by of ['email', 'ip'] as const) {
		const limit = LOGIN_LIMITS[by];
		const since = new Date(now.getTime() - limit.windowMs - limit.lockMs);
		const times = await failuresSince(db, by, by === 'email' ? email : ip, since);
		const until = lockedUntil(times, limit);
		if (until > now.getTime()) return { locked: true, until: new Date(until), by };
	}
	return { locked: false };
}

/** Count one attempt (and forget attempts older than a day). */
export async function recordLoginAttempt(
	db: DB,
	email: string,
	ip: string,
	succeeded: boolean,
	now = new Date()
): Promise<void> {
	await db
		.insertInto('login_attempts')
		.values({ at: now.toISOString(), email, ip, succeeded: succeeded ? 1 : 0 })
		.execute();
	await db
		.deleteFrom('login_attempts')
		.where('at', '<', new Date(now.getTime() - KEEP_MS).toISOString())
		.execute();
}
