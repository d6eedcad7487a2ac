import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { hashPassword } from './passwords';
import { LOGIN_LIMITS, lockedUntil } from './rate-limit';
import { INVALID_SIGN_IN, signIn } from './sign-in';
import { peopleTestDb } from './testing';
import { describeEachEngine } from '../testing/engines';
import { createAccount } from './users';

const MINUTE = 60_000;
let db: DB;
const t0 = new Date('2026-11-29T09:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const PASSWORD = 'a long enough password';

describeEachEngine('sign-in rate limit', (engine) => {
	beforeEach(async () => {
		db = await peopleTestDb(() => engine.freshDatabase());
		await createAccount(
			db,
			{
				email: 'partner@example.org',
				role: 'partner',
				regions: ['N54'],
				organisation: 'Northumbria PCC',
				password: PASSWORD,
				mustChangePassword: false
			},
			{ actor: 'test' }
		);
		// a cheap hash keeps the many attempts below quick; the cost is read from the hash itself
		await db
			.updateTable('users')
			.set({ password_hash: await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }) })
			.execute();
	});
	afterEach(async () => {
		await db.destroy();
	});

	const attempt = (password: string, when: Date, ip = '192.0.2.1', email = 'partner@example.org') =>
		signIn(db, { email, password, ip }, when);

	describe('lockedUntil', () => {
		const limit = { failures: 3, windowMs: 10, lockMs: 100 };
		it.each([
			[[], 0],
			[[0, 5], 0],
			[[0, 5, 10], 110],
			[[0, 5, 11], 0],
			[[0, 5, 11, 12], 112]
		])('failures at %j lock until %d', (times, until) => {
			expect(lockedUntil(times, limit)).toBe(until);
		});
	});

	describe('sign-in rate limit and lockout', () => {
		it('locks an email for 15 minutes after 5 failures in 15 minutes, even with the right password', async () => {
			for (let i = 0; i < 4; i++)
				expect(await attempt('wrong password!', at(i * MINUTE))).toEqual({
					ok: false,
					reason: 'invalid',
					message: INVALID_SIGN_IN
				});
			const fifth = await attempt('wrong password!', at(4 * MINUTE));
			expect(fifth).toMatchObject({ ok: false, reason: 'locked' });
			expect(await attempt(PASSWORD, at(5 * MINUTE))).toEqual({
				ok: false,
				reason: 'locked',
				message: 'Too many failed attempts to sign in. Try again in 14 minutes'
			});
			expect(await attempt(PASSWORD, at(18 * MINUTE + 30_000))).toMatchObject({
				ok: false,
				reason: 'locked',
				message: 'Too many failed attempts to sign in. Try again in 1 minute'
			});
			// 15 minutes after the fifth failure: the lock is over (attempts while locked did not extend it)
			expect(await attempt(PASSWORD, at(19 * MINUTE))).toMatchObject({ ok: true });
			const audit = await db
				.selectFrom('audit_log')
				.select('action')
				.where('action', 'like', 'sign-in%')
				.orderBy('id')
				.execute();
			expect(audit.map((a) => a.action)).toEqual([
				...Array(5).fill('sign-in.failed'),
				'sign-in.locked',
				'sign-in.locked',
				'sign-in'
			]);
		});

		it('does not lock for failures spread over more than 15 minutes, and a success clears the count', async () => {
			for (let i = 0; i < 8; i++)
				expect(await attempt('wrong password!', at(i * 4 * MINUTE))).toMatchObject({
					reason: 'invalid'
				});
			// 15 minutes after the last of those: four quick failures, a success, four more: no lock
			for (let i = 0; i < 4; i++) await attempt('wrong password!', at(45 * MINUTE + i * 1000));
			expect(await attempt(PASSWORD, at(46 * MINUTE))).toMatchObject({ ok: true });
			for (let i = 0; i < 4; i++)
				expect(await attempt('wrong password!', at(47 * MINUTE + i * 1000))).toMatchObject({
					reason: 'invalid'
				});
		});

		it('counts unknown emails the same way, and gives the same message, so accounts cannot be probed', async () => {
			const unknown = await attempt(PASSWORD, t0, '192.0.2.1', 'nobody@example.org');
			const wrong = await attempt('wrong password!', t0);
			expect(unknown).toEqual(wrong);
			for (let i = 0; i < 4; i++)
				await attempt(PASSWORD, at(MINUTE), '192.0.2.1', 'nobody@example.org');
			expect(
				await attempt(PASSWORD, at(2 * MINUTE), '192.0.2.1', 'nobody@example.org')
			).toMatchObject({ reason: 'locked' });
		});

		it('locks an address after 30 failures across many emails (counted by any instance), not others', async () => {
			const { failures } = LOGIN_LIMITS.ip;
			// failures other instances sharing the database recorded
			await db
				.insertInto('login_attempts')
				.values(
					Array.from({ length: failures - 1 }, (_, i) => ({
						at: at(i * 1000).toISOString(),
						email: `guess${i}@example.org`,
						ip: '198.51.100.7',
						succeeded: 0 as const
					}))
				)
				.execute();
			expect(await attempt(PASSWORD, at(MINUTE), '198.51.100.7')).toMatchObject({ ok: true });
			expect(
				await attempt('wrong password!', at(MINUTE), '198.51.100.7', 'another@example.org')
			).toMatchObject({ reason: 'locked' });
			expect(await attempt(PASSWORD, at(2 * MINUTE), '198.51.100.7')).toMatchObject({
				reason: 'locked'
			});
			expect(await attempt(PASSWORD, at(MINUTE), '192.0.2.1')).toMatchObject({ ok: true });
		});

		it('keeps the count in the database, so a second instance sharing it sees the lock', async () => {
			for (let i = 0; i < 5; i++) await attempt('wrong password!', at(i * 1000));
			const rows = await db.selectFrom('login_attempts').selectAll().execute();
			expect(rows).toHaveLength(5);
			expect(rows.every((r) => r.email === 'partner@example.org' && r.succeeded === 0)).toBe(true);
		});

		it('refuses a deactivated account with the same message as a wrong password', async () => {
			await db.updateTable('users').set({ active: 0 }).execute();
			expect(await attempt(PASSWORD, t0)).toEqual({
				ok: false,
				reason: 'invalid',
				message: INVALID_SIGN_IN
			});
			const entry = await db
				.selectFrom('audit_log')
				.selectAll()
				.where('action', '=', 'sign-in.failed')
				.executeTakeFirstOrThrow();
			expect(JSON.parse(entry.after!)).toEqual({ why: 'account deactivated' });
		});
	});
});
