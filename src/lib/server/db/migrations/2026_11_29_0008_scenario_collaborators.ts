import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one instead.
//
// The people named on a scenario besides its owner. A draft is seen and changed by its owner and
// these collaborators only. Each account is named once per scenario; who added them and when are
// kept for the studio (the audit log keeps the full history, including removals).
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('scenario_collaborators')
		.addColumn('scenario_id', 'text', (c) =>
			c.notNull().references('scenarios.id').onDelete('cascade')
		)
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
		// the name (account email, or 'local administrator') of whoever added them
		.addColumn('added_by', 'text', (c) => c.notNull())
		// ISO 8601, UTC
		.addColumn('added_at', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('scenario_collaborators_pk', ['scenario_id', 'user_id'])
		.execute();
	// "the scenarios I collaborate on"
	await db.schema
		.createIndex('scenario_collaborators_user')
		.on('scenario_collaborators')
		.column('user_id')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('scenario_collaborators').execute();
}
