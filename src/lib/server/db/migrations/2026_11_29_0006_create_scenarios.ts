import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one instead.
// A scenario is a named set of changes on a baseline. Every save is a new row in
// scenario_versions; scenarios.current_version moves only by a compare-and-set on the version the
// save was based on, so two people saving at once never overwrite each other.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('scenarios')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('owner', 'text', (c) => c.notNull())
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('current_version', 'integer', (c) => c.notNull())
		.addColumn('visibility', 'text', (c) => c.notNull().defaultTo('draft'))
		.addColumn('region_code', 'text')
		.execute();

	await db.schema
		.createTable('scenario_versions')
		.addColumn('scenario_id', 'text', (c) => c.notNull().references('scenarios.id'))
		.addColumn('version', 'integer', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull())
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('dataset_versions', 'text', (c) => c.notNull())
		.addColumn('saved_at', 'text', (c) => c.notNull())
		.addColumn('saved_by', 'text', (c) => c.notNull())
		.addColumn('note', 'text')
		.addPrimaryKeyConstraint('scenario_versions_pk', ['scenario_id', 'version'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('scenario_versions').execute();
	await db.schema.dropTable('scenarios').execute();
}
