import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { signIn, signOut } from './sign-in';
import {
	ABSOLUTE_TIMEOUT_MS,
	IDLE_TIMEOUT_MS,
	createSession,
	deleteEndedSessions,
	hashToken,
	sessionCookieOptions,
	validateSession
} from './sessions';
import { peopleTestDb } from './testing';
import { describeEachEngine } from '../testing/engines';
import { createAccount, setAccountActive, setAccountPassword, setAccountRole } from './users';

const MINUTE = 60_000;
const by = { actor: 'test' };
let db: DB;
let userId: number;
const t0 = new Date('2026-11-29T09:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describeEachEngine('sessions', (engine) => {
	beforeEach(async () => {
		db = await peopleTestDb(() => engine.freshDatabase());
		const account = await createAccount(
			db,
			{
				email: 'Commissioner@Example.org',
				role: 'commissioner',
				regions: ['N54'],
				password: 'a long enough password',
				mustChangePassword: false
			},
			by
		);
		userId = account.id;
		// a second admin, so the one above can be changed freely
		await createAccount(
			db,
			{
				email: 'admin@example.org',
				role: 'admin',
				regions: [],
				password: 'another long password',
				mustChangePassword: false
			},
			by
		);
	});
	afterEach(async () => {
		await db.destroy();
	});

	describe('sessions', () => {
		it('stores only the SHA-256 of the random id, and names the account with its regions', async () => {
			const { token, expiresAt } = await createSession(db, userId, t0);
			expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(expiresAt).toEqual(at(ABSOLUTE_TIMEOUT_MS));
			const stored = await db.selectFrom('sessions').selectAll().execute();
			expect(stored).toHaveLength(1);
			expect(stored[0]!.id).toBe(hashToken(token));
			expect(stored[0]!.id).not.toContain(token);
			const session = await validateSession(db, token, at(MINUTE));
			expect(session?.user).toEqual({
				id: userId,
				name: 'commissioner@example.org',
				email: 'commissioner@example.org',
				role: 'commissioner',
				regions: ['N54'],
				mustChangePassword: false,
				organisation: null
			});
		});

		it('ends after 30 minutes idle, and deletes the session', async () => {
			const { token } = await createSession(db, userId, t0);
			expect(await validateSession(db, token, at(IDLE_TIMEOUT_MS - 1000))).not.toBeNull();
			// that request counted as activity: 29 minutes after it, still valid
			expect(await validateSession(db, token, at(2 * IDLE_TIMEOUT_MS - 2 * MINUTE))).not.toBeNull();
			// then 30 minutes of nothing
			expect(await validateSession(db, token, at(3 * IDLE_TIMEOUT_MS))).toBeNull();
			expect(await db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
		});

		it('ends 12 hours after sign-in however active the person is', async () => {
			const { token } = await createSession(db, userId, t0);
			for (let ms = 20 * MINUTE; ms < ABSOLUTE_TIMEOUT_MS; ms += 20 * MINUTE)
				expect(await validateSession(db, token, at(ms))).not.toBeNull();
			expect(await validateSession(db, token, at(ABSOLUTE_TIMEOUT_MS))).toBeNull();
		});

		it('refuses ids it never issued, including ones a third party chose (no fixation)', async () => {
			const chosen = 'A'.repeat(43);
			expect(await validateSession(db, chosen, t0)).toBeNull();
			expect(await validateSession(db, 'not-a-token', t0)).toBeNull();
			expect(await validateSession(db, undefined, t0)).toBeNull();
			// signing in always makes a new id, never adopting one the browser already had
			const first = await signIn(
				db,
				{ email: 'commissioner@example.org', password: 'a long enough password', ip: '192.0.2.1' },
				t0
			);
			const second = await signIn(
				db,
				{ email: 'commissioner@example.org', password: 'a long enough password', ip: '192.0.2.1' },
				t0
			);
			expect(first.ok && second.ok).toBe(true);
			if (!first.ok || !second.ok) return;
			expect(first.session.token).not.toBe(second.session.token);
			expect(first.session.token).not.toBe(chosen);
		});

		it('signing out deletes the session, so its cookie no longer works', async () => {
			const result = await signIn(
				db,
				{ email: 'commissioner@example.org', password: 'a long enough password', ip: '192.0.2.1' },
				t0
			);
			if (!result.ok) throw new Error(result.message);
			const { token } = result.session;
			expect(await validateSession(db, token, at(MINUTE))).not.toBeNull();
			await signOut(db, token, { actor: 'commissioner@example.org' });
			expect(await validateSession(db, token, at(2 * MINUTE))).toBeNull();
			const actions = await db.selectFrom('audit_log').select('action').orderBy('id').execute();
			expect(actions.map((a) => a.action)).toEqual([
				'user.create',
				'user.create',
				'sign-in',
				'sign-out'
			]);
		});

		it('deactivating the account or resetting its password ends its sessions; a role change applies at once', async () => {
			const a = await createSession(db, userId, t0);
			await setAccountRole(db, userId, 'partner', ['N07'], by, 'London Borough of Camden');
			expect((await validateSession(db, a.token, at(MINUTE)))?.user).toMatchObject({
				role: 'partner',
				regions: ['N07'],
				organisation: 'London Borough of Camden'
			});
			await setAccountPassword(db, userId, 'a new long password', true, by);
			expect(await validateSession(db, a.token, at(MINUTE))).toBeNull();
			const b = await createSession(db, userId, t0);
			expect((await validateSession(db, b.token, at(MINUTE)))?.user.mustChangePassword).toBe(true);
			await setAccountActive(db, userId, false, by);
			expect(await validateSession(db, b.token, at(MINUTE))).toBeNull();
			// and a session made for a deactivated account is refused too
			const c = await createSession(db, userId, t0);
			expect(await validateSession(db, c.token, at(MINUTE))).toBeNull();
		});

		it('clears ended sessions in bulk', async () => {
			await createSession(db, userId, t0);
			await createSession(db, userId, at(2 * IDLE_TIMEOUT_MS));
			expect(await deleteEndedSessions(db, at(2 * IDLE_TIMEOUT_MS + MINUTE))).toBe(1);
		});

		it('cookies are HttpOnly, SameSite=Lax, Path=/, Secure when asked, expiring with the session', () => {
			expect(sessionCookieOptions(true, t0)).toEqual({
				path: '/',
				httpOnly: true,
				sameSite: 'lax',
				secure: true,
				expires: t0
			});
		});
	});
});
