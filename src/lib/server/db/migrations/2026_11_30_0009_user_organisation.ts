import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one instead.
//
// The organisation a partner account speaks for ("Northumbria PCC", "Leeds City Council"). On
// someone else's co-commissioning scenario a partner may change only the contributions made in
// that organisation's name. Null for other roles, and for partner accounts made before this
// (they can then change only scenarios they own or collaborate on, until an admin sets it).
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('users').addColumn('organisation', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('users').dropColumn('organisation').execute();
}
