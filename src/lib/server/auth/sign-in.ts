import type { DB } from '../db';
import { recordAudit, type AuditContext } from './audit';
import { hashPassword, needsRehash, verifyPassword } from './passwords';
import { loginLockout, recordLoginAttempt } from './rate-limit';
import { createSession, deleteSession, type NewSession } from './sessions';
import { findAccountByEmail, findPasswordHash, type Account } from './users';

/**
 * Signing in and out. Every outcome is audited: sign-in, sign-in.failed (with why, which the
 * person is not told), sign-in.locked and sign-out.
 */

export type SignInResult =
	| { ok: true; session: NewSession; account: Account }
	| { ok: false; reason: 'invalid' | 'locked'; message: string };

/** One message for a wrong email, a wrong password and a deactivated account: no account probing. */
export const INVALID_SIGN_IN = 'Enter a correct email address and password';

let dummyHash: Promise<string> | undefined;
/** A hash at today's cost, verified when there is no account, so timing does not tell. */
const dummy = () => (dummyHash ??= hashPassword('not anyone’s password'));

function lockedMessage(until: Date, now: Date): string {
	const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
	return `Too many failed attempts to sign in. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export interface SignInInput {
	email: string;
	password: string;
	/** the client's address, for the per-address limit and the audit log */
	ip: string;
	requestId?: string | null;
}

export async function signIn(db: DB, input: SignInInput, now = new Date()): Promise<SignInResult> {
	const email = input.email.trim().toLowerCase().slice(0, 254);
	const context: AuditContext = {
		actor: email || '(no email)',
		requestId: input.requestId,
		ip: input.ip
	};
	const lock = await loginLockout(db, email, input.ip, now);
	if (lock.locked) {
		await recordAudit(db, {
			...context,
			action: 'sign-in.locked',
			target: `user:${email}`,
			after: { lockedBy: lock.by, until: lock.until.toISOString() },
			at: now
		});
		return { ok: false, reason: 'locked', message: lockedMessage(lock.until, now) };
	}
	const account = email ? await findAccountByEmail(db, email) : undefined;
	const stored = account ? await findPasswordHash(db, account.id) : undefined;
	const matches = await verifyPassword(input.password, stored ?? (await dummy()));
	if (!account || !stored || !matches || !account.active) {
		await recordLoginAttempt(db, email, input.ip, false, now);
		await recordAudit(db, {
			...context,
			action: 'sign-in.failed',
			target: `user:${email}`,
			after: {
				why: !account ? 'no such account' : !matches ? 'wrong password' : 'account deactivated'
			},
			at: now
		});
		const after = await loginLockout(db, email, input.ip, now);
		return after.locked
			? { ok: false, reason: 'locked', message: lockedMessage(after.until, now) }
			: { ok: false, reason: 'invalid', message: INVALID_SIGN_IN };
	}
	await recordLoginAttempt(db, email, input.ip, true, now);
	const session = await createSession(db, account.id, now);
	const rehash = needsRehash(stored) ? await hashPassword(input.password) : undefined;
	await db
		.updateTable('users')
		.set({ last_sign_in_at: now.toISOString(), ...(rehash && { password_hash: rehash }) })
		.where('id', '=', account.id)
		.execute();
	await recordAudit(db, { ...context, action: 'sign-in', target: `user:${email}`, at: now });
	return { ok: true, session, account };
}

/** End the session behind `token` (audited as sign-out when there was one). */
export async function signOut(
	db: DB,
	token: string | undefined,
	context: AuditContext
): Promise<void> {
	if (!token) return;
	if (await deleteSession(db, token))
		await recordAudit(db, { ...context, action: 'sign-out', target: `user:${context.actor}` });
}
