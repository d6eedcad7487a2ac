import { z } from 'zod';
import { collapseSpaces } from '$lib/domain/text';
import type { DB } from '../db';
import { commaList } from '../db/sql';
import { recordAudit, type AuditContext } from './audit';
import { hashPassword, passwordProblem } from './passwords';
import { ROLES, type Role } from './roles';

/**
 * Accounts: one per email address, with a role and the regions it applies to. Accounts are
 * deactivated, never deleted, so the audit log's actors always name someone. Every change is
 * audited in the same transaction as the change.
 */

export interface Account {
	id: number;
	email: string;
	role: Role;
	/** region codes; empty for admins, whose scope is every region */
	regions: string[];
	/** the organisation a partner speaks for; null for other roles */
	organisation: string | null;
	active: boolean;
	mustChangePassword: boolean;
	createdAt: string;
	createdBy: string;
	lastSignInAt: string | null;
}

/** A refused account change: `field` names the form field at fault. */
export class AccountError extends Error {
	constructor(
		message: string,
		readonly field:
			'email' | 'role' | 'regions' | 'organisation' | 'password' | 'account' = 'account'
	) {
		super(message);
		this.name = 'AccountError';
	}
}

export const emailSchema = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(z.email('Enter an email address in the correct format, like name@example.org').max(254));

export const roleSchema = z.enum(ROLES, {
	error: `Choose a role: ${ROLES.join(', ')}`
});

/** The email as stored (trimmed, lower case), or an AccountError saying why it is not one. */
export function normaliseEmail(email: string): string {
	const parsed = emailSchema.safeParse(email);
	if (!parsed.success) throw new AccountError(parsed.error.issues[0]!.message, 'email');
	return parsed.data;
}

type Row = {
	id: number;
	email: string;
	role: string;
	active: 0 | 1;
	must_change_password: 0 | 1;
	created_at: string;
	created_by: string;
	last_sign_in_at: string | null;
	organisation: string | null;
	regions: string | null;
};

const toAccount = (r: Row): Account => ({
	id: r.id,
	email: r.email,
	role: r.role as Role,
	regions: r.regions ? r.regions.split(',').sort() : [],
	organisation: r.organisation,
	active: r.active === 1,
	mustChangePassword: r.must_change_password === 1,
	createdAt: r.created_at,
	createdBy: r.created_by,
	lastSignInAt: r.last_sign_in_at
});

function accounts(db: DB) {
	return db
		.selectFrom('users as u')
		.select([
			'u.id',
			'u.email',
			'u.role',
			'u.active',
			'u.must_change_password',
			'u.created_at',
			'u.created_by',
			'u.last_sign_in_at',
			'u.organisation'
		])
		.select((eb) =>
			eb
				.selectFrom('user_regions as ur')
				.whereRef('ur.user_id', '=', 'u.id')
				.select(commaList(db, 'ur.region_code').as('r'))
				.as('regions')
		);
}

export async function listAccounts(db: DB): Promise<Account[]> {
	const rows = await accounts(db).orderBy('u.email').execute();
	return rows.map(toAccount);
}

export async function findAccount(db: DB, id: number): Promise<Account | undefined> {
	const row = await accounts(db).where('u.id', '=', id).executeTakeFirst();
	return row && toAccount(row);
}

export async function findAccountByEmail(db: DB, email: string): Promise<Account | undefined> {
	const row = await accounts(db)
		.where('u.email', '=', email.trim().toLowerCase())
		.executeTakeFirst();
	return row && toAccount(row);
}

/** The stored hash, for sign-in only. */
export async function findPasswordHash(db: DB, id: number): Promise<string | undefined> {
	const row = await db
		.selectFrom('users')
		.select('password_hash')
		.where('id', '=', id)
		.executeTakeFirst();
	return row?.password_hash;
}

export async function countActiveAdmins(db: DB): Promise<number> {
	const row = await db
		.selectFrom('users')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('role', '=', 'admin')
		.where('active', '=', 1)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/**
 * The regions as stored for `role`: none for an admin (every region); otherwise at least one, each
 * a known region code (given as codes, in any case, separated by commas or spaces, or as a list).
 */
export async function checkRegions(
	db: DB,
	role: Role,
	regions: readonly string[] | string
): Promise<string[]> {
	if (role === 'admin') return [];
	const given = (typeof regions === 'string' ? regions.split(/[\s,]+/) : [...regions])
		.map((r) => r.trim().toUpperCase())
		.filter(Boolean);
	const unique = [...new Set(given)];
	if (unique.length === 0)
		throw new AccountError(
			`A ${role} needs at least one region: choose the regions they work in`,
			'regions'
		);
	const known = await db.selectFrom('regions').select(['code', 'name']).orderBy('code').execute();
	const codes = new Set(known.map((r) => r.code));
	const unknown = unique.filter((r) => !codes.has(r));
	if (unknown.length)
		throw new AccountError(
			`Unknown region code${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}. Valid: ${known
				.map((r) => `${r.code} (${r.name})`)
				.join(', ')}`,
			'regions'
		);
	return unique.sort();
}

/**
 * The organisation as stored for `role`: a partner must name the one they speak for, as their
 * co-commissioning contributions name it ("Northumbria PCC"); other roles speak for none (null).
 */
export function checkOrganisation(
	role: Role,
	organisation: string | null | undefined
): string | null {
	if (role !== 'partner') return null;
	const name = collapseSpaces(organisation ?? '');
	if (!name)
		throw new AccountError(
			'A partner needs an organisation: enter the one they speak for, as their contributions to co-commissioning scenarios name it (for example Northumbria PCC)',
			'organisation'
		);
	if (name.length > 200)
		throw new AccountError('Organisation must be 200 characters or fewer', 'organisation');
	return name;
}

export interface NewAccount {
	email: string;
	role: Role;
	regions: readonly string[] | string;
	/** partners only: the organisation they speak for */
	organisation?: string | null;
	password: string;
	/** true for a one-time password an admin hands over: it must be changed at first sign-in */
	mustChangePassword: boolean;
}

/** Create an account (audited as user.create). Refuses a duplicate email, a weak password, bad regions. */
export async function createAccount(db: DB, input: NewAccount, by: AuditContext): Promise<Account> {
	const email = normaliseEmail(input.email);
	const role = roleSchema.safeParse(input.role);
	if (!role.success) throw new AccountError(role.error.issues[0]!.message, 'role');
	const problem = passwordProblem(input.password);
	if (problem) throw new AccountError(problem, 'password');
	const regions = await checkRegions(db, role.data, input.regions);
	const organisation = checkOrganisation(role.data, input.organisation);
	const hash = await hashPassword(input.password);
	const id = await db.transaction().execute(async (trx) => {
		const existing = await trx
			.selectFrom('users')
			.select('id')
			.where('email', '=', email)
			.executeTakeFirst();
		if (existing) throw new AccountError(`There is already an account for ${email}`, 'email');
		const inserted = await trx
			.insertInto('users')
			.values({
				email,
				role: role.data,
				password_hash: hash,
				must_change_password: input.mustChangePassword ? 1 : 0,
				active: 1,
				organisation,
				created_at: new Date().toISOString(),
				created_by: by.actor
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		if (regions.length)
			await trx
				.insertInto('user_regions')
				.values(regions.map((region_code) => ({ user_id: inserted.id, region_code })))
				.execute();
		await recordAudit(trx, {
			...by,
			action: 'user.create',
			target: `user:${email}`,
			after: withOrganisation({ role: role.data, regions }, organisation)
		});
		return inserted.id;
	});
	return (await findAccount(db, id))!;
}

/** An audit record's role and regions, with the organisation when there is one. */
const withOrganisation = <T extends object>(record: T, organisation: string | null) =>
	organisation ? { ...record, organisation } : record;

async function mustFind(db: DB, id: number): Promise<Account> {
	const account = await findAccount(db, id);
	if (!account) throw new AccountError(`There is no account ${id}`);
	return account;
}

/** Refuse a change that would leave no active admin (nobody could then manage people). */
async function keepAnAdmin(db: DB, account: Account, stillAdmin: boolean): Promise<void> {
	if (account.role !== 'admin' || !account.active || stillAdmin) return;
	if ((await countActiveAdmins(db)) <= 1)
		throw new AccountError(
			`${account.email} is the only active admin: make someone else an admin first`,
			'role'
		);
}

/**
 * Change an account's role, regions and (partners) organisation, audited as user.role with before
 * and after. `organisationGiven` undefined keeps a partner's organisation as it is.
 */
export async function setAccountRole(
	db: DB,
	id: number,
	role: Role,
	regionsGiven: readonly string[] | string,
	by: AuditContext,
	organisationGiven?: string | null
): Promise<Account> {
	const parsed = roleSchema.safeParse(role);
	if (!parsed.success) throw new AccountError(parsed.error.issues[0]!.message, 'role');
	const account = await mustFind(db, id);
	const regions = await checkRegions(db, parsed.data, regionsGiven);
	const organisation = checkOrganisation(
		parsed.data,
		organisationGiven === undefined ? account.organisation : organisationGiven
	);
	await db.transaction().execute(async (trx) => {
		await keepAnAdmin(trx, account, parsed.data === 'admin');
		await trx
			.updateTable('users')
			.set({ role: parsed.data, organisation })
			.where('id', '=', id)
			.execute();
		await trx.deleteFrom('user_regions').where('user_id', '=', id).execute();
		if (regions.length)
			await trx
				.insertInto('user_regions')
				.values(regions.map((region_code) => ({ user_id: id, region_code })))
				.execute();
		await recordAudit(trx, {
			...by,
			action: 'user.role',
			target: `user:${account.email}`,
			before: withOrganisation(
				{ role: account.role, regions: account.regions },
				account.organisation
			),
			after: withOrganisation({ role: parsed.data, regions }, organisation)
		});
	});
	return mustFind(db, id);
}

/**
 * Deactivate (signing the person out everywhere) or reactivate an account; audited as
 * user.deactivate or user.reactivate.
 */
export async function setAccountActive(
	db: DB,
	id: number,
	active: boolean,
	by: AuditContext
): Promise<Account> {
	const account = await mustFind(db, id);
	if (account.active === active) return account;
	await db.transaction().execute(async (trx) => {
		if (!active) await keepAnAdmin(trx, account, false);
		await trx
			.updateTable('users')
			.set({ active: active ? 1 : 0 })
			.where('id', '=', id)
			.execute();
		if (!active) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
		await recordAudit(trx, {
			...by,
			action: active ? 'user.reactivate' : 'user.deactivate',
			target: `user:${account.email}`,
			before: { active: account.active },
			after: { active }
		});
	});
	return mustFind(db, id);
}

/**
 * Set a new password and sign the person out everywhere. `oneTime`: an admin's reset, to be
 * changed at next sign-in (audited as user.reset-password); otherwise the person's own change
 * (user.change-password).
 */
export async function setAccountPassword(
	db: DB,
	id: number,
	password: string,
	oneTime: boolean,
	by: AuditContext
): Promise<Account> {
	const problem = passwordProblem(password);
	if (problem) throw new AccountError(problem, 'password');
	const account = await mustFind(db, id);
	const hash = await hashPassword(password);
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('users')
			.set({ password_hash: hash, must_change_password: oneTime ? 1 : 0 })
			.where('id', '=', id)
			.execute();
		await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
		await recordAudit(trx, {
			...by,
			action: oneTime ? 'user.reset-password' : 'user.change-password',
			target: `user:${account.email}`
		});
	});
	return mustFind(db, id);
}

/** The regions people can be given, by name. */
export async function listRegionChoices(db: DB): Promise<{ code: string; name: string }[]> {
	return db.selectFrom('regions').select(['code', 'name']).orderBy('name').execute();
}
