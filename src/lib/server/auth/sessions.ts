import crypto from 'node:crypto';
import type { DB } from '../db';
import { commaList } from '../db/sql';
import type { AppUser, Role } from './roles';

/**
 * Server-side sessions. The cookie holds 32 random bytes (base64url); the database holds only
 * their SHA-256, so reading the database does not give anyone a live session. A session ends
 * after 30 minutes without a request (idle) or 12 hours after sign-in (absolute), at sign-out,
 * or when the account is deactivated or its password reset.
 */

export const SESSION_COOKIE = 'landscape_session';
export const IDLE_TIMEOUT_MS = 30 * 60_000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
/** last_seen_at is written at most this often, so most requests only read. */
export const TOUCH_INTERVAL_MS = 60_000;

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export interface NewSession {
	/** the cookie's value: give it to the browser, never store it */
	token: string;
	expiresAt: Date;
}

/** Start a session for an account: a new random id every time (no session fixation). */
export async function createSession(db: DB, userId: number, now = new Date()): Promise<NewSession> {
	const token = crypto.randomBytes(32).toString('base64url');
	const expiresAt = new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS);
	await db
		.insertInto('sessions')
		.values({
			id: hashToken(token),
			user_id: userId,
			created_at: now.toISOString(),
			last_seen_at: now.toISOString(),
			expires_at: expiresAt.toISOString()
		})
		.execute();
	return { token, expiresAt };
}

export interface ValidSession {
	user: AppUser;
	expiresAt: Date;
}

/** Only what a cookie can contain: base64url, 43 characters for 32 bytes. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The signed-in person for a session cookie, or null when the session is unknown, idle too long,
 * past its absolute limit, or its account is deactivated (an ended session is deleted). Touches
 * last_seen_at at most once a minute.
 */
export async function validateSession(
	db: DB,
	token: string | undefined,
	now = new Date()
): Promise<ValidSession | null> {
	if (!token || !TOKEN.test(token)) return null;
	const id = hashToken(token);
	const row = await db
		.selectFrom('sessions as s')
		.innerJoin('users as u', 'u.id', 's.user_id')
		.select([
			's.last_seen_at',
			's.expires_at',
			'u.id',
			'u.email',
			'u.role',
			'u.active',
			'u.must_change_password',
			'u.organisation'
		])
		.select((eb) =>
			eb
				.selectFrom('user_regions as ur')
				.whereRef('ur.user_id', '=', 'u.id')
				.select(commaList(db, 'ur.region_code').as('r'))
				.as('regions')
		)
		.where('s.id', '=', id)
		.executeTakeFirst();
	if (!row) return null;
	const lastSeen = Date.parse(row.last_seen_at);
	const expiresAt = new Date(row.expires_at);
	if (
		row.active !== 1 ||
		now.getTime() >= expiresAt.getTime() ||
		now.getTime() - lastSeen >= IDLE_TIMEOUT_MS
	) {
		await db.deleteFrom('sessions').where('id', '=', id).execute();
		return null;
	}
	if (now.getTime() - lastSeen >= TOUCH_INTERVAL_MS)
		await db
			.updateTable('sessions')
			.set({ last_seen_at: now.toISOString() })
			.where('id', '=', id)
			.execute();
	const role = row.role as Role;
	return {
		expiresAt,
		user: {
			id: row.id,
			name: row.email,
			email: row.email,
			role,
			regions: role === 'admin' ? 'all' : row.regions ? row.regions.split(',').sort() : [],
			mustChangePassword: row.must_change_password === 1,
			organisation: role === 'partner' ? row.organisation : null
		}
	};
}

/** End one session (sign-out). */
export async function deleteSession(db: DB, token: string): Promise<boolean> {
	const result = await db
		.deleteFrom('sessions')
		.where('id', '=', hashToken(token))
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** Remove sessions past either limit; returns how many. */
export async function deleteEndedSessions(db: DB, now = new Date()): Promise<number> {
	const result = await db
		.deleteFrom('sessions')
		.where((eb) =>
			eb.or([
				eb('expires_at', '<=', now.toISOString()),
				eb('last_seen_at', '<=', new Date(now.getTime() - IDLE_TIMEOUT_MS).toISOString())
			])
		)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

/**
 * The cookie's attributes: HttpOnly, SameSite=Lax, Path=/, and Secure over https and always in
 * shared mode. It expires with the session's absolute limit.
 */
export function sessionCookieOptions(secure: boolean, expiresAt: Date) {
	return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, expires: expiresAt };
}
