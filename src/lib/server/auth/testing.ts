import { freshDatabase } from '../testing/fresh-db';
import type { DB } from '../db';
import { hashPassword } from './passwords';
import type { AppUser, Role } from './roles';

/**
 * A fresh migrated database (in-memory SQLite, or what `open` gives, such as an engine harness's
 * `freshDatabase`) with two real region codes (North East N54, London N07) and nothing else: enough
 * for accounts, sessions and scenarios. Populations are left at 0: tests only.
 */
export async function peopleTestDb(
	open: () => Promise<DB> = async () => (await freshDatabase()).db
): Promise<DB> {
	const db = await open();
	await db
		.insertInto('regions')
		.values([
			{
				code: 'N54',
				rm_code: 'A',
				name: 'North East',
				delius_name: 'North East Region',
				population_2021: 0,
				valid_from: null,
				valid_to: null
			},
			{
				code: 'N07',
				rm_code: 'J',
				name: 'London',
				delius_name: 'London',
				population_2021: 0,
				valid_from: null,
				valid_to: null
			}
		])
		.execute();
	return db;
}

/** A signed-in person as the policy sees them (no database needed). */
export function person(
	role: Role,
	regions: readonly string[] | 'all',
	name = `${role}@example.org`,
	organisation: string | null = null
): AppUser {
	return { id: 1, name, email: name, role, regions, mustChangePassword: false, organisation };
}

/**
 * Add an account quickly (a cheap hash of `password`, unlike createAccount's real cost): for
 * tests that need people, not hashing.
 */
export async function addPerson(
	db: DB,
	email: string,
	role: Role,
	regions: readonly string[],
	password = 'a long enough password'
): Promise<number> {
	const { id } = await db
		.insertInto('users')
		.values({
			email,
			role,
			password_hash: await hashPassword(password, { N: 1024, r: 8, p: 1 }),
			must_change_password: 0,
			active: 1,
			created_at: new Date().toISOString(),
			created_by: 'test'
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	if (regions.length)
		await db
			.insertInto('user_regions')
			.values(regions.map((region_code) => ({ user_id: id, region_code })))
			.execute();
	return id;
}
