import { freshDatabase } from '../testing/fresh-db';
import type { DB } from '../db';
import type { AppUser, Role } from './roles';

/**
 * A fresh migrated database with two real region codes (North East N54, London N07) and nothing
 * else: enough for accounts, sessions and scenarios. Populations are left at 0: tests only.
 */
export async function peopleTestDb(): Promise<DB> {
	const { db } = await freshDatabase();
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
	name = `${role}@example.org`
): AppUser {
	return { id: 1, name, email: name, role, regions, mustChangePassword: false };
}
