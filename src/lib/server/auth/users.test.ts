import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { listAudit } from './audit';
import { verifyPassword } from './passwords';
import { peopleTestDb } from './testing';
import { describeEachEngine } from '../testing/engines';
import {
	AccountError,
	countActiveAdmins,
	createAccount,
	findAccountByEmail,
	findPasswordHash,
	listAccounts,
	setAccountActive,
	setAccountPassword,
	setAccountRole
} from './users';

let db: DB;
const by = { actor: 'admin@example.org', requestId: 'r1', ip: '192.0.2.9' };
const PASSWORD = 'a long enough password';
const add = (
	email: string,
	role: 'admin' | 'commissioner' | 'partner' | 'viewer',
	regions: string[] | string = [],
	organisation: string | null = role === 'partner' ? 'Northumbria PCC' : null
) =>
	createAccount(
		db,
		{ email, role, regions, organisation, password: PASSWORD, mustChangePassword: false },
		by
	);

/** `p` fails with an AccountError on `field` saying `message`. */
async function refused(p: Promise<unknown>, field: string, message: string | RegExp) {
	const caught = await p.catch((e: unknown) => e);
	expect(caught).toBeInstanceOf(AccountError);
	expect((caught as AccountError).field).toBe(field);
	expect((caught as AccountError).message).toMatch(message);
}

describeEachEngine('accounts', (engine) => {
	beforeEach(async () => {
		db = await peopleTestDb(() => engine.freshDatabase());
	});
	afterEach(async () => {
		await db.destroy();
	});

	describe('accounts', () => {
		it('creates an account with a lower-case email, its regions and a verifiable hash, audited', async () => {
			const account = await add(' Comm@Example.ORG ', 'commissioner', 'n54, N07');
			expect(account).toMatchObject({
				email: 'comm@example.org',
				role: 'commissioner',
				regions: ['N07', 'N54'],
				active: true,
				mustChangePassword: false,
				createdBy: 'admin@example.org'
			});
			expect(await verifyPassword(PASSWORD, (await findPasswordHash(db, account.id))!)).toBe(true);
			const [entry] = (await listAudit(db, {})).entries;
			expect(entry).toMatchObject({
				actor: 'admin@example.org',
				action: 'user.create',
				target: 'user:comm@example.org',
				after: { role: 'commissioner', regions: ['N07', 'N54'] },
				requestId: 'r1',
				ip: '192.0.2.9'
			});
		});

		it('refuses bad input with a specific message and field, changing nothing', async () => {
			await add('someone@example.org', 'viewer', ['N54']);
			await refused(
				add('not an email', 'viewer', ['N54']),
				'email',
				'Enter an email address in the correct format, like name@example.org'
			);
			await refused(
				add('SOMEONE@example.org', 'viewer', ['N54']),
				'email',
				'There is already an account for someone@example.org'
			);
			await refused(
				add('x@example.org', 'viewer', []),
				'regions',
				'A viewer needs at least one region: choose the regions they work in'
			);
			await refused(
				add('x@example.org', 'partner', ['N54', 'N99']),
				'regions',
				/^Unknown region code N99\. Valid: N07 \(London\), N54 \(North East\)$/
			);
			await refused(
				add('x@example.org', 'boss' as 'admin', []),
				'role',
				'Choose a role: admin, commissioner, partner, viewer'
			);
			await refused(
				createAccount(
					db,
					{
						email: 'x@example.org',
						role: 'viewer',
						regions: ['N54'],
						password: 'short',
						mustChangePassword: false
					},
					by
				),
				'password',
				'The password must be at least 12 characters long'
			);
			expect((await listAccounts(db)).map((a) => a.email)).toEqual(['someone@example.org']);
		});

		it('gives admins every region whatever is passed', async () => {
			expect((await add('a@example.org', 'admin', ['N54'])).regions).toEqual([]);
		});

		it('changes role and regions with before and after in the audit log', async () => {
			const account = await add('p@example.org', 'partner', ['N54']);
			const changed = await setAccountRole(db, account.id, 'commissioner', ['N07'], by);
			expect(changed).toMatchObject({ role: 'commissioner', regions: ['N07'] });
			const entry = (await listAudit(db, { action: 'user.role' })).entries[0];
			expect(entry).toMatchObject({
				target: 'user:p@example.org',
				before: { role: 'partner', regions: ['N54'], organisation: 'Northumbria PCC' },
				after: { role: 'commissioner', regions: ['N07'] }
			});
			expect(changed.organisation).toBeNull();
		});

		it('a partner must name the organisation they speak for; other roles speak for none', async () => {
			await refused(
				add('p@example.org', 'partner', ['N54'], '  '),
				'organisation',
				/^A partner needs an organisation: enter the one they speak for/
			);
			const partner = await add('p@example.org', 'partner', ['N54'], '  Durham   PCC ');
			expect(partner.organisation).toBe('Durham PCC');
			expect(
				(await add('c@example.org', 'commissioner', ['N54'], 'Ignored')).organisation
			).toBeNull();
			// a role change to partner keeps the organisation unless a new one is given
			const kept = await setAccountRole(db, partner.id, 'partner', ['N07'], by);
			expect(kept.organisation).toBe('Durham PCC');
			const moved = await setAccountRole(db, partner.id, 'partner', ['N07'], by, 'Cleveland PCC');
			expect(moved.organisation).toBe('Cleveland PCC');
			const entry = (await listAudit(db, { action: 'user.role' })).entries[0];
			expect(entry).toMatchObject({
				before: { organisation: 'Durham PCC' },
				after: { organisation: 'Cleveland PCC' }
			});
			const commissioner = await add('d@example.org', 'commissioner', ['N54']);
			await refused(
				setAccountRole(db, commissioner.id, 'partner', ['N54'], by),
				'organisation',
				/^A partner needs an organisation/
			);
		});

		it('never leaves the service without an active admin', async () => {
			const only = await add('only@example.org', 'admin');
			await expect(setAccountRole(db, only.id, 'viewer', ['N54'], by)).rejects.toThrow(
				'only@example.org is the only active admin: make someone else an admin first'
			);
			await expect(setAccountActive(db, only.id, false, by)).rejects.toThrow(
				'is the only active admin'
			);
			const second = await add('second@example.org', 'admin');
			await setAccountActive(db, only.id, false, by);
			expect(await countActiveAdmins(db)).toBe(1);
			await expect(setAccountRole(db, second.id, 'viewer', ['N54'], by)).rejects.toThrow(
				'second@example.org is the only active admin'
			);
			await setAccountActive(db, only.id, true, by);
			expect(await countActiveAdmins(db)).toBe(2);
			const actions = (await listAudit(db, { action: 'user' })).entries.map((e) => e.action);
			expect(actions).toEqual(['user.reactivate', 'user.deactivate', 'user.create', 'user.create']);
		});

		it('an admin reset sets a one-time password; the person’s own change clears the flag', async () => {
			const account = await add('v@example.org', 'viewer', ['N54']);
			await setAccountPassword(db, account.id, 'abcd-efgh-jkmn-pqrs', true, by);
			expect((await findAccountByEmail(db, 'v@example.org'))?.mustChangePassword).toBe(true);
			await setAccountPassword(db, account.id, 'my own new password', false, {
				actor: 'v@example.org'
			});
			expect((await findAccountByEmail(db, 'v@example.org'))?.mustChangePassword).toBe(false);
			expect(
				await verifyPassword('my own new password', (await findPasswordHash(db, account.id))!)
			).toBe(true);
			expect(
				(await listAudit(db, { action: 'user' })).entries.map((e) => e.action).slice(0, 2)
			).toEqual(['user.change-password', 'user.reset-password']);
		});
	});
});
